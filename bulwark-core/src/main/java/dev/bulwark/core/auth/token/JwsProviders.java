package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jca.JCAAware;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@link CryptoProvider} checks signatures for each {@link TokenAlgorithm}, and the factory for Nimbus
 * signers and verifiers bound to one key.
 *
 * <p>{@link #FASTEST} is the choice measured by {@code TokenVerificationBenchmark} on JDK 25 (2 cores, loaded
 * machine, µs per verification): EdDSA Bouncy Castle 167, Tink 796, JDK 1685; ES256 Bouncy Castle 516, JDK
 * 887; RS256 JDK 183, Bouncy Castle 195; HS256 JDK 29. Signing always
 * uses Nimbus's defaults (JDK, Tink for Ed25519): it happens once per login, not once per request. Immutable
 * and thread-safe; the signers and verifiers it makes are thread-safe too.
 */
public final class JwsProviders {

    /** The fastest correct provider per algorithm, as measured (see the class comment). */
    public static final JwsProviders FASTEST = new JwsProviders(Map.of(
            TokenAlgorithm.EDDSA, CryptoProvider.BOUNCY_CASTLE,
            TokenAlgorithm.ES256, CryptoProvider.BOUNCY_CASTLE,
            TokenAlgorithm.RS256, CryptoProvider.JDK,
            TokenAlgorithm.HS256, CryptoProvider.JDK));

    private final Map<TokenAlgorithm, CryptoProvider> verification;

    /**
     * @param verification the provider per algorithm; every algorithm must be present
     * @throws IllegalArgumentException when an algorithm is missing or Tink is chosen for anything but EdDSA
     */
    public JwsProviders(Map<TokenAlgorithm, CryptoProvider> verification) {
        EnumMap<TokenAlgorithm, CryptoProvider> copy = new EnumMap<>(TokenAlgorithm.class);
        copy.putAll(verification);
        for (TokenAlgorithm algorithm : TokenAlgorithm.values()) {
            CryptoProvider provider = copy.get(algorithm);
            if (provider == null) {
                throw new IllegalArgumentException("no verification provider for " + algorithm);
            }
            if (provider == CryptoProvider.TINK && algorithm != TokenAlgorithm.EDDSA) {
                throw new IllegalArgumentException("tink verifies only EdDSA here, not " + algorithm);
            }
        }
        this.verification = Map.copyOf(copy);
    }

    /** @return these choices with {@code algorithm} verified by {@code provider} (for benchmarks) */
    public JwsProviders with(TokenAlgorithm algorithm, CryptoProvider provider) {
        EnumMap<TokenAlgorithm, CryptoProvider> copy = new EnumMap<>(verification);
        copy.put(Objects.requireNonNull(algorithm, "algorithm"), Objects.requireNonNull(provider, "provider"));
        return new JwsProviders(copy);
    }

    /** @return the provider that verifies {@code algorithm} */
    public CryptoProvider providerFor(TokenAlgorithm algorithm) {
        return verification.get(algorithm);
    }

    /**
     * @return a verifier that checks signatures made by {@code key} under {@code algorithm} only
     * @throws IllegalArgumentException when the key does not fit the algorithm
     */
    public JWSVerifier verifier(JWK key, TokenAlgorithm algorithm) {
        CryptoProvider provider = verification.get(algorithm);
        try {
            return switch (algorithm) {
                case EDDSA -> provider == CryptoProvider.TINK
                        ? new Ed25519Verifier(cast(key, OctetKeyPair.class, algorithm).toPublicJWK())
                        : new JcaEd25519Verifier(cast(key, OctetKeyPair.class, algorithm), jca(provider));
                case ES256 -> withProvider(new ECDSAVerifier(cast(key, ECKey.class, algorithm).toPublicJWK()), provider);
                case RS256 -> withProvider(new RSASSAVerifier(cast(key, RSAKey.class, algorithm).toPublicJWK()), provider);
                case HS256 -> withProvider(new MACVerifier(cast(key, OctetSequenceKey.class, algorithm)), provider);
            };
        } catch (JOSEException unusable) {
            throw new IllegalArgumentException("key cannot verify " + algorithm + ": " + key.getKeyID(), unusable);
        }
    }

    /**
     * @return a signer for the private {@code key} under {@code algorithm}
     * @throws IllegalArgumentException when the key is public only or does not fit the algorithm
     */
    public static JWSSigner signer(JWK key, TokenAlgorithm algorithm) {
        if (!key.isPrivate() && algorithm.isAsymmetric()) {
            throw new IllegalArgumentException("signing key has no private part: " + key.getKeyID());
        }
        try {
            return switch (algorithm) {
                case EDDSA -> new Ed25519Signer(cast(key, OctetKeyPair.class, algorithm));
                case ES256 -> new ECDSASigner(cast(key, ECKey.class, algorithm));
                case RS256 -> new RSASSASigner(cast(key, RSAKey.class, algorithm));
                case HS256 -> new MACSigner(cast(key, OctetSequenceKey.class, algorithm));
            };
        } catch (JOSEException unusable) {
            throw new IllegalArgumentException("key cannot sign " + algorithm + ": " + key.getKeyID(), unusable);
        }
    }

    private static <V extends JCAAware<? extends JCAContext>> V withProvider(V verifier, CryptoProvider provider) {
        verifier.getJCAContext().setProvider(jca(provider));
        return verifier;
    }

    /** @return the JCA provider instance, or {@code null} for the JDK's default lookup */
    private static Provider jca(CryptoProvider provider) {
        return switch (provider) {
            case JDK -> null;
            case BOUNCY_CASTLE -> BouncyCastle.PROVIDER;
            case TINK -> throw new IllegalArgumentException("tink is not a jca provider");
        };
    }

    private static <K extends JWK> K cast(JWK key, Class<K> type, TokenAlgorithm algorithm) {
        if (!type.isInstance(key)) {
            throw new IllegalArgumentException(algorithm + " needs a " + type.getSimpleName() + " key, not "
                    + key.getKeyType() + ": " + key.getKeyID());
        }
        return type.cast(key);
    }

    /** Created on first use only: loading Bouncy Castle costs tens of milliseconds. */
    private static final class BouncyCastle {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    @Override
    public String toString() {
        return "JwsProviders" + new EnumMap<>(verification);
    }
}
