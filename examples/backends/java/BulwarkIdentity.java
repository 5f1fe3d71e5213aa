package com.example.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;

import java.net.URL;
import java.text.ParseException;
import java.util.List;
import java.util.Set;

/**
 * Verifies the X-Bulwark-Identity header that Bulwark adds to every authenticated request it forwards, with
 * Nimbus JOSE+JWT and Tink (com.google.crypto.tink:tink, for Ed25519). Trust this token, not the plain
 * X-User-Id/X-Roles headers, unless only Bulwark can reach this service. Thread-safe: make one per application.
 */
public final class BulwarkIdentity {

    /** The typ of Bulwark's identity tokens: a client's own access token (at+jwt) is refused. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("bulwark-identity+jwt");

    private final JWKSource<SecurityContext> keys;
    private final DefaultJWTClaimsVerifier<SecurityContext> claims;

    /**
     * @param jwksUrl  https://&lt;bulwark&gt;/.well-known/jwks.json
     * @param issuer   auth.issuer in bulwark.yaml
     * @param audience this backend's upstream name in bulwark.yaml
     */
    public BulwarkIdentity(URL jwksUrl, String issuer, String audience) {
        // Caches the keys; refetches when a token names a key it has not seen (after a rotation).
        this.keys = JWKSourceBuilder.create(jwksUrl).retrying(true).build();
        this.claims = new DefaultJWTClaimsVerifier<>(audience, new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "iat", "exp", "jti"));
    }

    /**
     * @return the verified claims: sub, sid, roles, tenant, req, ...
     * @throws ParseException, JOSEException or BadJOSEException when the token is refused
     */
    public JWTClaimsSet verify(String token) throws ParseException, JOSEException, BadJOSEException {
        SignedJWT jwt = SignedJWT.parse(token);
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) || !TYPE.equals(header.getType())) {
            throw new BadJOSEException("not a bulwark identity token: " + header.getAlgorithm() + ", " + header.getType());
        }
        // Nimbus's JWTProcessor cannot give Ed25519 keys to a verifier, so the key is picked by kid here.
        List<JWK> matches = keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
        if (matches.isEmpty() || !jwt.verify(new Ed25519Verifier(matches.get(0).toOctetKeyPair()))) {
            throw new BadJOSEException("bad signature or unknown key: " + header.getKeyID());
        }
        JWTClaimsSet verified = jwt.getJWTClaimsSet();
        claims.verify(verified, null);
        return verified;
    }
}
