package dev.bulwark.core.auth.external;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bulwark.core.auth.token.JwsProviders;
import dev.bulwark.core.auth.token.TokenAlgorithm;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An issuer's usable signature keys, each with a verifier pinned to exactly one algorithm.
 *
 * <p>A key is usable when it parses on its own (one odd key does not spoil the set), its {@code use} is absent or
 * {@code sig}, its {@code key_ops} (if any) include {@code verify}, it is not marked revoked, and its algorithm is
 * accepted: its {@code alg} when it has one, otherwise the one algorithm its type and curve allow (RSA → RS256,
 * EC P-256 → ES256, OKP Ed25519 → EdDSA, oct → HS256). RSA keys shorter than 2048 bits are skipped. A kid listed
 * twice among usable keys is dropped as ambiguous. Keys without a kid are usable only when the set has exactly one
 * usable key; it then also verifies tokens without a kid. Immutable and thread-safe.
 */
final class JwksKeys {

    /** A verifier pinned to one key and its algorithm; {@code keyId} is the kid, or the RFC 7638 thumbprint. */
    record Pinned(String keyId, TokenAlgorithm algorithm, JWSVerifier verifier) {
    }

    static final JwksKeys EMPTY = new JwksKeys(Map.of(), null, 0);

    private static final int MIN_RSA_BITS = 2048;

    private final Map<String, Pinned> byKid;
    private final Pinned withoutKid;
    private final int size;

    private JwksKeys(Map<String, Pinned> byKid, Pinned withoutKid, int size) {
        this.byKid = byKid;
        this.withoutKid = withoutKid;
        this.size = size;
    }

    /**
     * @param json           a JWK set
     * @param allowed        the algorithms accepted
     * @param allowSymmetric whether {@code oct} keys may be used (only for a configured, never a fetched, set)
     * @return the usable keys, possibly none; {@code null} when {@code json} is not a JWK set at all
     */
    static JwksKeys parse(String json, Set<TokenAlgorithm> allowed, boolean allowSymmetric, JwsProviders providers) {
        List<Object> entries;
        try {
            Map<String, Object> set = JSONObjectUtils.parse(json);
            entries = JSONObjectUtils.getJSONArray(set, "keys");
        } catch (ParseException | RuntimeException | StackOverflowError notAJwkSet) {
            return null;
        }
        if (entries == null) {
            return null;
        }
        List<Pinned> withKid = new ArrayList<>();
        List<Pinned> kidless = new ArrayList<>();
        for (Object entry : entries) {
            pin(entry, allowed, allowSymmetric, providers).ifPresent(pinned ->
                    (pinned.kid ? withKid : kidless).add(pinned.pinned));
        }
        Map<String, Pinned> byKid = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Pinned pinned : withKid) {
            if (byKid.putIfAbsent(pinned.keyId(), pinned) != null) {
                ambiguous.add(pinned.keyId());
            }
        }
        byKid.keySet().removeAll(ambiguous);
        if (byKid.size() + kidless.size() == 1) {
            Pinned single = byKid.isEmpty() ? kidless.get(0) : byKid.values().iterator().next();
            return new JwksKeys(Map.copyOf(byKid), single, 1);
        }
        // With several keys, one without a kid cannot be told apart safely: it is ignored.
        return new JwksKeys(Map.copyOf(byKid), null, byKid.size());
    }

    /** @return the key for {@code kid} (a token without kid: the only key, if there is exactly one) */
    Optional<Pinned> find(String kid) {
        return kid == null ? Optional.ofNullable(withoutKid) : Optional.ofNullable(byKid.get(kid));
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** @return how many keys can verify */
    int size() {
        return size;
    }

    private record Candidate(Pinned pinned, boolean kid) {
    }

    @SuppressWarnings("unchecked")
    private static Optional<Candidate> pin(Object entry, Set<TokenAlgorithm> allowed, boolean allowSymmetric,
                                           JwsProviders providers) {
        if (!(entry instanceof Map<?, ?> map)) {
            return Optional.empty();
        }
        JWK key;
        try {
            key = JWK.parse((Map<String, Object>) map);
        } catch (ParseException | RuntimeException unusable) {
            return Optional.empty();
        }
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return Optional.empty();
        }
        if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return Optional.empty();
        }
        if (key.getKeyRevocation() != null) {
            return Optional.empty();
        }
        Optional<TokenAlgorithm> algorithm = algorithmOf(key);
        if (algorithm.isEmpty() || !allowed.contains(algorithm.get())) {
            return Optional.empty();
        }
        if (algorithm.get() == TokenAlgorithm.HS256 && !allowSymmetric) {
            return Optional.empty();
        }
        if (key instanceof RSAKey rsa && rsa.size() < MIN_RSA_BITS) {
            return Optional.empty();
        }
        JWSVerifier verifier;
        String keyId;
        try {
            verifier = providers.verifier(key, algorithm.get());
            keyId = key.getKeyID() != null ? key.getKeyID() : key.computeThumbprint().toString();
        } catch (IllegalArgumentException | JOSEException unusable) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(new Pinned(keyId, algorithm.get(), verifier), key.getKeyID() != null));
    }

    /** The key's declared {@code alg} if Bulwark knows it and it fits the key, else the one its type implies. */
    private static Optional<TokenAlgorithm> algorithmOf(JWK key) {
        Optional<TokenAlgorithm> implied = impliedBy(key);
        Algorithm declared = key.getAlgorithm();
        if (declared == null) {
            return implied;
        }
        return implied.filter(algorithm -> algorithm.jws().getName().equals(declared.getName()));
    }

    private static Optional<TokenAlgorithm> impliedBy(JWK key) {
        if (key instanceof RSAKey) {
            return Optional.of(TokenAlgorithm.RS256);
        }
        if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            return Optional.of(TokenAlgorithm.ES256);
        }
        if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            return Optional.of(TokenAlgorithm.EDDSA);
        }
        if (key instanceof OctetSequenceKey) {
            return Optional.of(TokenAlgorithm.HS256);
        }
        return Optional.empty();
    }
}
