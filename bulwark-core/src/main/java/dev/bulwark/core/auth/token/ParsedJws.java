package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every verifier makes before it looks for a key: size, compact-JWS shape, parsing, a header that
 * carries nothing but {@code alg}, {@code kid} and {@code typ} (so nothing can be fetched or trusted from it:
 * no {@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, {@code crit}), and an access-token {@code typ} when
 * one is given. Bulwark's own verifier and external issuers' share it, so the two can never drift apart.
 *
 * @param jwt     the parsed token, or {@code null} when refused
 * @param failure why the token was refused, or {@code null} when it passed
 */
public record ParsedJws(SignedJWT jwt, TokenFailure failure) {

    private static final Set<String> ALLOWED_HEADER_PARAMETERS = Set.of("alg", "kid", "typ");
    private static final Set<String> ALLOWED_TYPES = Set.of("at+jwt", "application/at+jwt", "jwt");

    /**
     * @param token     the token as presented
     * @param maxLength longer tokens are refused unparsed
     * @return the parsed token, or the failure; never throws
     */
    public static ParsedJws parse(String token, int maxLength) {
        if (token == null || token.isEmpty()) {
            return refused(TokenFailure.MALFORMED);
        }
        if (token.length() > maxLength) {
            return refused(TokenFailure.OVERSIZED);
        }
        if (!isCompactJws(token)) {
            return refused(TokenFailure.MALFORMED);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException malformed) {
            return refused(TokenFailure.MALFORMED);
        }
        JWSHeader header = jwt.getHeader();
        if (!ALLOWED_HEADER_PARAMETERS.containsAll(header.getIncludedParams())) {
            return refused(TokenFailure.FORBIDDEN_HEADER);
        }
        JOSEObjectType type = header.getType();
        if (type != null && !ALLOWED_TYPES.contains(type.getType().toLowerCase(Locale.ROOT))) {
            return refused(TokenFailure.WRONG_TYPE);
        }
        return new ParsedJws(jwt, null);
    }

    /**
     * Exactly two dots and only base64url characters: rules out whitespace, padding, JWE and the JSON
     * serialization.
     *
     * @return whether {@code token} has the compact JWS shape; never throws for a non-null token
     */
    public static boolean isCompactJws(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return dots == 2;
    }

    private static ParsedJws refused(TokenFailure failure) {
        return new ParsedJws(null, failure);
    }
}
