package dev.bulwark.core.auth.apikey;

/**
 * Why a presented API key was refused. Clients get the same answer for each (a 401 with one problem type); the
 * security event names the failure, so operators can tell a typo from guessing from a revoked integration.
 */
public enum ApiKeyFailure {
    /** Not of the shape {@code bwk_<id>_<secret>}: wrong length, prefix, separator or characters. */
    MALFORMED("api key is malformed"),
    /** Well formed, but no key has this id. */
    UNKNOWN("api key id is unknown"),
    /** The id exists but the secret does not match. */
    WRONG_SECRET("api key secret does not match"),
    /** The key was revoked. */
    REVOKED("api key is revoked"),
    /** The key's expiry has passed. */
    EXPIRED("api key has expired"),
    /** The key store did not answer, so the key could not be checked. */
    UNAVAILABLE("api key store unavailable");

    private final String description;

    ApiKeyFailure(String description) {
        this.description = description;
    }

    /** @return a short lower-case description for security events; never contains the key */
    public String description() {
        return description;
    }
}
