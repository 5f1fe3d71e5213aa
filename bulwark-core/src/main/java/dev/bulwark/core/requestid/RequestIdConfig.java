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

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RequestIdConfig}; unset fields keep the {@link #DEFAULT} values. Not thread-safe. */
    public static final class Builder {
        private String header = DEFAULT.header;
        private boolean trustIncoming = DEFAULT.trustIncoming;
        private int maxLength = DEFAULT.maxLength;

        private Builder() {
        }

        public Builder header(String header) {
            this.header = header;
            return this;
        }

        public Builder trustIncoming(boolean trustIncoming) {
            this.trustIncoming = trustIncoming;
            return this;
        }

        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        public RequestIdConfig build() {
            return new RequestIdConfig(header, trustIncoming, maxLength);
        }
    }
}
