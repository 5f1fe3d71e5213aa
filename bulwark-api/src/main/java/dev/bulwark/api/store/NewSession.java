package dev.bulwark.api.store;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link SessionStore#create} needs to open a session; the store adds the timestamps from its clock.
 *
 * @param id          the new session id, chosen by the caller (random, at least 128 bits)
 * @param userId      the owner
 * @param device      the client
 * @param refreshHash the hash of the first refresh token (the store compares hashes, never tokens)
 * @param lifetime    the absolute lifetime, from now
 * @param idleTimeout how long the session may go without a refresh
 */
public record NewSession(String id, String userId, Device device, String refreshHash, Duration lifetime,
                         Duration idleTimeout) {

    /** The longest session id, user id or refresh-token hash accepted. */
    public static final int MAX_ID_LENGTH = 128;

    public NewSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(refreshHash, "refreshHash");
        if (id.isBlank() || userId.isBlank() || refreshHash.isBlank()) {
            throw new IllegalArgumentException("session id, user id and refresh hash must not be blank");
        }
        if (id.length() > MAX_ID_LENGTH || userId.length() > MAX_ID_LENGTH || refreshHash.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("session id, user id and refresh hash must be at most "
                    + MAX_ID_LENGTH + " characters");
        }
        SessionStore.checkPositive(lifetime, "session lifetime");
        SessionStore.checkPositive(idleTimeout, "session idle timeout");
    }

    @Override
    public String toString() {
        return "NewSession[id=" + id + ", userId=" + userId + ", device=" + device + "]";
    }
}
