package dev.bulwark.core.requestid;

/**
 * How request ids are assigned.
 *
 * @param header        the header carrying the id in both directions (default {@code X-Request-Id})
 * @param trustIncoming whether a well-formed incoming id is kept (default {@code true})
 * @param maxLength     the longest incoming id kept; longer ones are replaced (default 128)
 */
public record RequestIdConfig(String header, boolean trustIncoming, int maxLength) {

    /** The defaults: {@code X-Request-Id}, trusted when well formed, at most 128 characters. */
    public static final RequestIdConfig DEFAULT = new RequestIdConfig("X-Request-Id", true, 128);
}
