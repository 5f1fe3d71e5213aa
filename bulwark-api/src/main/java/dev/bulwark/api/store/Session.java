package dev.bulwark.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A login session: one refresh-token family for one user on one device.
 *
 * <p>A session is live while now is before both its absolute expiry and its idle expiry ({@code lastSeenAt +
 * idleTimeout}); stores never return a session that is not. Refresh-token hashes are kept inside the store
 * and deliberately not part of this record, so listing sessions can never leak them. Immutable.
 *
 * @param id          the session id (the token's {@code sid} claim)
 * @param userId      the owner
 * @param createdAt   when the user logged in
 * @param lastSeenAt  when the session last refreshed
 * @param expiresAt   the absolute expiry, fixed at login
 * @param idleTimeout how long the session may go without a refresh
 * @param device      the client that opened it
 */
public record Session(String id, String userId, Instant createdAt, Instant lastSeenAt, Instant expiresAt,
                      Duration idleTimeout, Device device) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(device, "device");
    }

    /** @return when the session ends if it is not refreshed before: the earlier of idle and absolute expiry */
    public Instant idleExpiresAt() {
        Instant idle = lastSeenAt.plus(idleTimeout);
        return idle.isBefore(expiresAt) ? idle : expiresAt;
    }

    /** @return whether the session is live at {@code now} */
    public boolean isLiveAt(Instant now) {
        return now.isBefore(idleExpiresAt());
    }
}
