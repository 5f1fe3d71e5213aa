package dev.bulwark.core.auth.token;

/**
 * Checks a presented bearer token: signature with a key pinned to its algorithm, then issuer, audience and
 * time claims. Bulwark's own {@link AccessTokenVerifier} and external issuers implement it.
 *
 * <p>Implementations never throw on hostile input (a malformed token is a {@link TokenVerification.Refused})
 * and are thread-safe.
 */
public interface TokenVerifier {

    /**
     * @param token the compact JWT as presented (without {@code Bearer })
     * @return the verified claims, or the failure
     */
    TokenVerification verify(String token);
}
