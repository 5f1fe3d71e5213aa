package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The JWS algorithms Bulwark signs access tokens with. Each key is bound to exactly one of them, and a token
 * verifies only under its key's algorithm.
 */
public enum TokenAlgorithm {
    /** Ed25519 signatures: small, fast, the default. */
    EDDSA(JWSAlgorithm.EdDSA),
    /** ECDSA on P-256 with SHA-256. */
    ES256(JWSAlgorithm.ES256),
    /** RSASSA-PKCS1-v1_5 with SHA-256 on 2048-bit keys, for verifiers that know nothing else. */
    RS256(JWSAlgorithm.RS256),
    /**
     * HMAC-SHA-256 with a shared secret: only when chosen explicitly; every verifier then holds the signing
     * secret and nothing can be published in a JWKS.
     */
    HS256(JWSAlgorithm.HS256);

    private final JWSAlgorithm jws;

    TokenAlgorithm(JWSAlgorithm jws) {
        this.jws = jws;
    }

    /** @return the Nimbus algorithm, whose name is the JWT header's {@code alg} */
    public JWSAlgorithm jws() {
        return jws;
    }

    /** @return whether the key is asymmetric, so its public half can be published */
    public boolean isAsymmetric() {
        return this != HS256;
    }

    /**
     * @param alg a JWS {@code alg} name, compared exactly (case-sensitive)
     * @return the algorithm
     * @throws IllegalArgumentException when Bulwark does not sign with {@code alg}
     */
    public static TokenAlgorithm fromJwsName(String alg) {
        for (TokenAlgorithm candidate : values()) {
            if (candidate.jws.getName().equals(alg)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("unsupported token algorithm: " + alg);
    }
}
