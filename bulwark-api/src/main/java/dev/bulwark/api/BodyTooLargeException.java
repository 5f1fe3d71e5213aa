package dev.bulwark.api;

/**
 * The request body exceeded the exchange's {@link Exchange#bodyLimit() body limit} while it was being read
 * with {@link Exchange#body()}. Filters answer it with a {@link Reason#BODY_TOO_LARGE} refusal; the host has
 * already stopped reading and will close the connection after the answer.
 */
public class BodyTooLargeException extends RuntimeException {

    private final long limit;

    /** @param limit the limit that was exceeded, in bytes */
    public BodyTooLargeException(long limit) {
        super("request body exceeds " + limit + " bytes");
        this.limit = limit;
    }

    /** @return the limit that was exceeded, in bytes */
    public long limit() {
        return limit;
    }
}
