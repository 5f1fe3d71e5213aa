package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.Page;

import java.util.List;
import java.util.NavigableMap;
import java.util.function.Function;

/** Cuts keyset pages out of sorted maps for the in-memory stores. */
final class Pages {

    private Pages() {
    }

    /**
     * @param tail  the entries after the cursor, in order
     * @param limit the page size, already checked
     * @param key   the sort key that becomes the next cursor
     */
    static <T> Page<T> of(NavigableMap<String, T> tail, int limit, Function<T, String> key) {
        // One entry more than asked says whether a next page exists.
        List<T> rows = tail.values().stream().limit(limit + 1L).toList();
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> page = rows.subList(0, limit);
        return new Page<>(page, key.apply(page.get(limit - 1)));
    }
}
