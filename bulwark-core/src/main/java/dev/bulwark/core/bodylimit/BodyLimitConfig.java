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

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BodyLimitConfig}; unset caps keep the {@link #DEFAULT} values. Not thread-safe. */
    public static final class Builder {
        private long json = DEFAULT.json;
        private long text = DEFAULT.text;
        private long other = DEFAULT.other;

        private Builder() {
        }

        public Builder json(long bytes) {
            this.json = bytes;
            return this;
        }

        public Builder text(long bytes) {
            this.text = bytes;
            return this;
        }

        public Builder other(long bytes) {
            this.other = bytes;
            return this;
        }

        /** Sets the same cap for every kind of content. */
        public Builder all(long bytes) {
            return json(bytes).text(bytes).other(bytes);
        }

        public BodyLimitConfig build() {
            return new BodyLimitConfig(json, text, other);
        }
    }
}
