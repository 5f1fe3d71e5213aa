package dev.bulwark.core.auth.external;

import dev.bulwark.core.auth.token.AccessTokenVerifier;
import dev.bulwark.core.auth.token.ParsedJws;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.core.auth.token.TokenVerifier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies tokens from several issuers (Bulwark's own and trusted external ones) by handing each to the verifier
 * of the issuer it claims.
 *
 * <p>The unverified {@code iss} is read from the payload only to choose the verifier, which then checks everything
 * again, {@code iss} included: a lie about the issuer gains nothing. Before that peek the token must be at most
 * {@link #MAX_TOKEN_LENGTH} characters (each verifier then applies its own, smaller, limit) and three base64url
 * parts; the payload is streamed, not built, and must be one JSON object with at most one string {@code iss}.
 * A token naming no issuer or one not listed is refused with {@link TokenFailure#WRONG_ISSUER}; one that cannot be
 * read with {@link TokenFailure#MALFORMED} or {@link TokenFailure#OVERSIZED}.
 *
 * <p>Never throws on bad input. Thread-safe when the verifiers are. Immutable.
 */
public final class IssuerDispatch implements TokenVerifier {

    /** The largest limit any verifier may have; longer tokens are refused before the payload is decoded. */
    public static final int MAX_TOKEN_LENGTH = 64 * 1024;

    private static final TokenVerification.Refused MALFORMED = new TokenVerification.Refused(TokenFailure.MALFORMED);
    private static final TokenVerification.Refused OVERSIZED = new TokenVerification.Refused(TokenFailure.OVERSIZED);
    private static final TokenVerification.Refused WRONG_ISSUER =
            new TokenVerification.Refused(TokenFailure.WRONG_ISSUER);

    private final Map<String, TokenVerifier> byIssuer;

    /**
     * @param byIssuer the verifier for each exact {@code iss}
     * @throws IllegalArgumentException when the map is empty or an issuer is blank
     */
    public IssuerDispatch(Map<String, ? extends TokenVerifier> byIssuer) {
        Objects.requireNonNull(byIssuer, "byIssuer");
        if (byIssuer.isEmpty()) {
            throw new IllegalArgumentException("issuer dispatch needs at least one issuer: " + byIssuer);
        }
        Map<String, TokenVerifier> copy = new LinkedHashMap<>();
        byIssuer.forEach((issuer, verifier) -> {
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalArgumentException("dispatched issuer must not be blank: " + issuer);
            }
            copy.put(issuer, Objects.requireNonNull(verifier, issuer));
        });
        this.byIssuer = Map.copyOf(copy);
    }

    /**
     * @param ownIssuer Bulwark's own {@code iss}
     * @param own       the verifier of Bulwark's own tokens
     * @param externals the trusted external issuers
     * @return a dispatch over all of them
     * @throws IllegalArgumentException when two verifiers claim the same issuer (naming it)
     */
    public static IssuerDispatch of(String ownIssuer, TokenVerifier own, List<ExternalTokenVerifier> externals) {
        Map<String, TokenVerifier> byIssuer = new LinkedHashMap<>();
        byIssuer.put(Objects.requireNonNull(ownIssuer, "ownIssuer"), Objects.requireNonNull(own, "own"));
        for (ExternalTokenVerifier external : externals) {
            if (byIssuer.putIfAbsent(external.issuer(), external) != null) {
                throw new IllegalArgumentException("issuer is trusted twice: " + external.issuer());
            }
        }
        return new IssuerDispatch(byIssuer);
    }

    /** @return {@link #of(String, TokenVerifier, List)} with {@code own}'s configured issuer */
    public static IssuerDispatch of(AccessTokenVerifier own, List<ExternalTokenVerifier> externals) {
        return of(own.config().issuer(), own, externals);
    }

    /**
     * @param externals the trusted external issuers, with no token of Bulwark's own accepted
     * @return a dispatch over them
     * @throws IllegalArgumentException when two verifiers claim the same issuer or the list is empty
     */
    public static IssuerDispatch ofExternal(List<ExternalTokenVerifier> externals) {
        Map<String, TokenVerifier> byIssuer = new LinkedHashMap<>();
        for (ExternalTokenVerifier external : externals) {
            if (byIssuer.putIfAbsent(external.issuer(), external) != null) {
                throw new IllegalArgumentException("issuer is trusted twice: " + external.issuer());
            }
        }
        return new IssuerDispatch(byIssuer);
    }

    /** @return the issuers accepted */
    public Set<String> issuers() {
        return byIssuer.keySet();
    }

    /**
     * @param token the compact JWT as presented (without {@code Bearer })
     * @return what the claimed issuer's verifier says, or the failure; never throws
     */
    @Override
    public TokenVerification verify(String token) {
        try {
            if (token == null || token.isEmpty()) {
                return MALFORMED;
            }
            if (token.length() > MAX_TOKEN_LENGTH) {
                return OVERSIZED;
            }
            if (!ParsedJws.isCompactJws(token)) {
                return MALFORMED;
            }
            CompactJws.Peek peek = CompactJws.unverifiedIssuer(token);
            if (peek.failure() != null) {
                return peek.failure() == TokenFailure.MALFORMED ? MALFORMED : WRONG_ISSUER;
            }
            TokenVerifier verifier = byIssuer.get(peek.issuer());
            return verifier == null ? WRONG_ISSUER : verifier.verify(token);
        } catch (RuntimeException | StackOverflowError unexpected) {
            return MALFORMED;
        }
    }

    @Override
    public String toString() {
        return "IssuerDispatch" + byIssuer.keySet();
    }
}
