package dev.bulwark.api.store;

import java.util.List;

/**
 * A batch of {@link RevocationStore#changesSince} results.
 *
 * @param changes the live changes after the requested cursor, in sequence order
 * @param cursor  the cursor to ask with next time: the last change's sequence, or the requested cursor when
 *                there were none
 * @param more    whether the batch was cut at the limit and more changes are waiting
 */
public record RevocationFeed(List<Revocation> changes, long cursor, boolean more) {

    public RevocationFeed {
        changes = List.copyOf(changes);
    }
}
