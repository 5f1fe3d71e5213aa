package dev.bulwark.api.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a keyset-paginated listing ({@link TenantStore#list}, {@link ApiKeyStore#list}).
 *
 * @param items      the entries on this page, at most the requested limit, in the store's order
 * @param nextCursor the cursor for the next page (the last entry's sort key), or {@code null} on the last page
 * @param <T>        the entry type
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** The largest page a store returns. */
    public static final int MAX_SIZE = 1000;

    public Page {
        items = List.copyOf(items);
    }

    /** @return the cursor to pass to the next call, empty on the last page */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }

    /**
     * @throws IllegalArgumentException when {@code limit} is not between 1 and {@link #MAX_SIZE}
     */
    public static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_SIZE) {
            throw new IllegalArgumentException("page size must be 1 to " + MAX_SIZE + ": " + limit);
        }
    }
}
