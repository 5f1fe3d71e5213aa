package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.JWKGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Makes signing keys as private JWKs bound to one algorithm ({@code alg}) with {@code use: sig}.
 *
 * <p>The key id of an asymmetric key is its RFC 7638 JWK thumbprint, so a kid names exactly one public key. An
 * HMAC key gets a random key id instead (a thumbprint of a secret is a hash of it). Thread-safe.
 */
public final class SigningKeys {

    /** RFC 7518 requires an HS256 key of at least the hash size. */
    public static final int MIN_HMAC_SECRET_BYTES = 32;

    private static final int RSA_BITS = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningKeys() {
    }

    /**
     * @return a fresh private key for {@code algorithm} (for HS256, a random 256-bit secret)
     * @throws IllegalStateException when the platform cannot generate it
     */
    public static JWK generate(TokenAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (algorithm == TokenAlgorithm.HS256) {
            byte[] secret = new byte[MIN_HMAC_SECRET_BYTES];
            RANDOM.nextBytes(secret);
            return fromSecret(secret);
        }
        JWKGenerator<? extends JWK> generator = switch (algorithm) {
            case EDDSA -> new OctetKeyPairGenerator(Curve.Ed25519);
            case ES256 -> new ECKeyGenerator(Curve.P_256);
            case RS256 -> new RSAKeyGenerator(RSA_BITS);
            case HS256 -> throw new AssertionError("handled above");
        };
        try {
            return generator.keyUse(KeyUse.SIGNATURE).algorithm(algorithm.jws()).keyIDFromThumbprint(true)
                    .secureRandom(RANDOM).generate();
        } catch (JOSEException failure) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", failure);
        }
    }

    /**
     * Wraps an operator-supplied HS256 secret.
     *
     * @throws IllegalArgumentException when the secret is shorter than {@value #MIN_HMAC_SECRET_BYTES} bytes
     */
    public static OctetSequenceKey fromSecret(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("hs256 secret must be at least " + MIN_HMAC_SECRET_BYTES
                    + " bytes: " + secret.length);
        }
        byte[] kid = new byte[16];
        RANDOM.nextBytes(kid);
        return new OctetSequenceKey.Builder(secret).keyUse(KeyUse.SIGNATURE)
                .algorithm(TokenAlgorithm.HS256.jws()).keyID(Base64URL.encode(kid).toString()).build();
    }

    /**
     * @return the algorithm a key is bound to (its JWK {@code alg})
     * @throws IllegalArgumentException when the key has no {@code alg} or one Bulwark does not sign with
     */
    public static TokenAlgorithm algorithmOf(JWK key) {
        if (key.getAlgorithm() == null) {
            throw new IllegalArgumentException("signing key has no alg: " + key.getKeyID());
        }
        return TokenAlgorithm.fromJwsName(key.getAlgorithm().getName());
    }
}
