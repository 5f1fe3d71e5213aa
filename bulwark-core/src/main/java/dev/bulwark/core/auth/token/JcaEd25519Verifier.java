package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * A Nimbus {@link JWSVerifier} for Ed25519 that uses a JCA provider (the JDK's or Bouncy Castle's) instead of
 * Tink, so the two can be compared and the faster one chosen. Refuses any header with {@code crit}.
 * Thread-safe: a {@link Signature} is made per call.
 */
final class JcaEd25519Verifier implements JWSVerifier {

    /** The fixed DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32-byte key follows. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PublicKey publicKey;
    private final Provider provider;
    private final JCAContext jcaContext = new JCAContext();

    JcaEd25519Verifier(OctetKeyPair key, Provider provider) throws JOSEException {
        if (!Curve.Ed25519.equals(key.getCurve())) {
            throw new JOSEException("not an ed25519 key: " + key.getCurve());
        }
        byte[] x = key.getDecodedX();
        if (x.length != 32) {
            throw new JOSEException("ed25519 public key must be 32 bytes: " + x.length);
        }
        byte[] spki = new byte[SPKI_PREFIX.length + x.length];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, x.length);
        this.provider = provider;
        try {
            KeyFactory factory = provider == null ? KeyFactory.getInstance("Ed25519")
                    : KeyFactory.getInstance("Ed25519", provider);
            this.publicKey = factory.generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException unusable) {
            throw new JOSEException("ed25519 public key rejected by the provider", unusable);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) || header.getCriticalParams() != null) {
            return false;
        }
        try {
            Signature verifier = provider == null ? Signature.getInstance("Ed25519")
                    : Signature.getInstance("Ed25519", provider);
            verifier.initVerify(publicKey);
            verifier.update(signingInput);
            return verifier.verify(signature.decode());
        } catch (GeneralSecurityException malformedSignature) {
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
