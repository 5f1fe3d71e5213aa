package dev.bulwark.core.auth.token;

import dev.bulwark.api.Reason;

/**
 * Why an access token was refused, finer than the {@link Reason} a client sees: the detail goes into the
 * security event, while the problem body only says {@link Reason#TOKEN_INVALID} or {@link Reason#TOKEN_EXPIRED}.
 */
public enum TokenFailure {
    /** Longer than the configured maximum; not parsed at all. */
    OVERSIZED("token is longer than the maximum"),
    /** Not three base64url parts, bad base64, bad JSON, or claims of the wrong type. */
    MALFORMED("token is malformed"),
    /** The header carries something other than {@code alg}, {@code kid} and {@code typ} ({@code jwk}, {@code jku},
     * {@code x5u}, {@code x5c}, {@code crit}, {@code b64}...). */
    FORBIDDEN_HEADER("token header has a parameter that is not allowed"),
    /** {@code typ} is neither {@code at+jwt} nor {@code JWT}. */
    WRONG_TYPE("token type is not an access token"),
    /** No {@code kid}, or one that is not in our key ring (or has retired). */
    UNKNOWN_KEY("token key id is unknown"),
    /** The header's {@code alg} is not the algorithm pinned to the key. */
    ALGORITHM_MISMATCH("token algorithm does not match its key"),
    /** The signature does not verify. */
    BAD_SIGNATURE("token signature does not verify"),
    /** {@code exp} is past (beyond the skew). */
    EXPIRED("token has expired"),
    /** {@code nbf} is ahead (beyond the skew). */
    NOT_YET_VALID("token is not valid yet"),
    /** {@code iat} is ahead (beyond the skew). */
    ISSUED_IN_FUTURE("token was issued in the future"),
    /** {@code iss} is not ours. */
    WRONG_ISSUER("token issuer is not accepted"),
    /** {@code aud} does not include ours. */
    WRONG_AUDIENCE("token audience is not accepted"),
    /** A required claim ({@code exp}, {@code iat}, {@code sub}, {@code sid}, {@code jti}) is absent. */
    MISSING_CLAIM("token lacks a required claim");

    private final String description;

    TokenFailure(String description) {
        this.description = description;
    }

    /** @return a lowercase sentence for events and logs; names no token content */
    public String description() {
        return description;
    }

    /** @return the reason the client sees: expired tokens say so (so clients refresh), everything else is invalid */
    public Reason reason() {
        return this == EXPIRED ? Reason.TOKEN_EXPIRED : Reason.TOKEN_INVALID;
    }
}
