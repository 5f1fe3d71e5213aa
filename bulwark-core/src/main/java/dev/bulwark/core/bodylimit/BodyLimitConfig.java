package dev.bulwark.core.bodylimit;

/**
 * Request body caps by kind of content, in bytes. Enforced while streaming: the upstream never receives
 * more than the cap.
 *
 * @param json  for {@code application/json} and {@code +json} bodies (default 5 MiB, seed 000)
 * @param text  for {@code text/*} and raw bodies (default 1 MiB)
 * @param other for everything else, including bodies without a content type (default 1 MiB)
 */
public record BodyLimitConfig(long json, long text, long other) {

    private static final long MIB = 1024L * 1024L;

    /** The defaults from seed 000: 5 MiB JSON, 1 MiB for the rest. */
    public static final BodyLimitConfig DEFAULT = new BodyLimitConfig(5 * MIB, MIB, MIB);

    /** @return the same cap for every kind of content */
    public static BodyLimitConfig uniform(long bytes) {
        return new BodyLimitConfig(bytes, bytes, bytes);
    }
}
