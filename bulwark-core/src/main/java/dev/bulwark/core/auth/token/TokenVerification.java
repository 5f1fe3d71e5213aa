package dev.bulwark.core.auth.token;

import java.util.Objects;

/** The outcome of verifying an access token: its claims, or why it was refused. */
public sealed interface TokenVerification {

    /** The token verified; {@code token} holds its claims. */
    record Verified(AccessToken token) implements TokenVerification {
        public Verified {
            Objects.requireNonNull(token, "token");
        }
    }

    /** The token was refused for {@code failure}. */
    record Refused(TokenFailure failure) implements TokenVerification {
        public Refused {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** @return whether the token verified */
    default boolean isVerified() {
        return this instanceof Verified;
    }
}
