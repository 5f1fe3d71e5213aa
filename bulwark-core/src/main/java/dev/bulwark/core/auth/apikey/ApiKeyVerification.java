package dev.bulwark.core.auth.apikey;

import dev.bulwark.api.store.ApiKey;

import java.util.Objects;

/** The outcome of checking a presented API key: the key's record, or why it does not count. Immutable. */
public sealed interface ApiKeyVerification {

    /** The key is known, its secret matches, and it is neither revoked nor expired. */
    record Verified(ApiKey key) implements ApiKeyVerification {
        public Verified {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * The key does not count.
     *
     * @param failure why
     * @param keyId   the public id the key named, or {@code null} when it was malformed (safe to log)
     */
    record Refused(ApiKeyFailure failure, String keyId) implements ApiKeyVerification {
        public Refused {
            Objects.requireNonNull(failure, "failure");
        }

        /** @return a description for the security event: the failure and, when known, the key id */
        public String detail() {
            return keyId == null ? failure.description() : failure.description() + ": " + keyId;
        }
    }
}
