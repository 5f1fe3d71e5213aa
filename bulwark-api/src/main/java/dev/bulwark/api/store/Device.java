package dev.bulwark.api.store;

import java.util.Objects;

/**
 * What a session remembers about the client that opened it, for the session list and for the binding policy
 * (off, log or deny when the IP or user-agent family changes).
 *
 * <p>Values are truncated by the caller to bounded lengths before they reach a store: {@link #MAX_LENGTH}
 * characters at most each. Immutable.
 *
 * @param userAgent   the {@code User-Agent} at login, or empty
 * @param ip          the client IP at login
 * @param fingerprint an optional client-supplied fingerprint, or {@code null}
 */
public record Device(String userAgent, String ip, String fingerprint) {

    /** The longest value a field may hold. */
    public static final int MAX_LENGTH = 512;

    public Device {
        check(Objects.requireNonNull(userAgent, "userAgent"), "user agent");
        check(Objects.requireNonNull(ip, "ip"), "ip");
        if (fingerprint != null) {
            check(fingerprint, "fingerprint");
        }
    }

    private static void check(String value, String what) {
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " longer than " + MAX_LENGTH + " characters: " + value.length());
        }
    }
}
