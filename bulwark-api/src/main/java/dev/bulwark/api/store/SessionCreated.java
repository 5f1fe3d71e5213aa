package dev.bulwark.api.store;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@link SessionStore#create}: the new session and the sessions ended to keep the user within the
 * cap (oldest first), so the caller can revoke their access tokens and emit an event for each.
 *
 * @param session          the created session
 * @param evictedSessionIds ids of live sessions ended by this creation; empty when the user was under the cap
 */
public record SessionCreated(Session session, List<String> evictedSessionIds) {

    public SessionCreated {
        Objects.requireNonNull(session, "session");
        evictedSessionIds = List.copyOf(evictedSessionIds);
    }
}
