package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.core.webhook.Verification.Cause;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Standard Webhooks scheme (standardwebhooks.com): {@code webhook-id}, {@code webhook-timestamp} (unix
 * seconds) and {@code webhook-signature}, a space-separated list of {@code v1,<base64 HMAC-SHA256>} and
 * {@code v1a,<base64 Ed25519>} signatures over {@code <id>.<timestamp>.<body>}. Any listed signature that
 * verifies with any configured key is enough; unknown versions are ignored, as the specification requires.
 * Immutable and thread-safe.
 */
final class StandardWebhooksVerifier implements WebhookVerifier {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";
    static final String SECRET_PREFIX = "whsec_";
    static final String PUBLIC_KEY_PREFIX = "whpk_";

    private static final SignedContent CONTENT = SignedContent.parse("{id}.{timestamp}.{body}");
    /** Bounds the work one forged header can cause; rotation needs two or three. */
    private static final int MAX_SIGNATURES = 16;
    private static final int MAX_ID_LENGTH = 1024;
    /** DER prefix of an X.509 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
        0x21, 0x00};

    private final List<byte[]> hmacKeys;
    private final List<PublicKey> publicKeys;
    private final Duration tolerance;

    /**
     * @param secrets {@code whsec_} and {@code whpk_} keys, already validated by {@link WebhookVerifiers}
     */
    StandardWebhooksVerifier(List<String> secrets, Duration tolerance) {
        List<byte[]> hmac = new ArrayList<>();
        List<PublicKey> ed25519 = new ArrayList<>();
        for (String secret : secrets) {
            if (secret.startsWith(SECRET_PREFIX)) {
                hmac.add(Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())));
            } else {
                ed25519.add(ed25519PublicKey(Base64.getDecoder().decode(secret.substring(PUBLIC_KEY_PREFIX.length()))));
            }
        }
        this.hmacKeys = List.copyOf(hmac);
        this.publicKeys = List.copyOf(ed25519);
        this.tolerance = tolerance;
    }

    /** @throws IllegalArgumentException when {@code raw} is not a 32-byte Ed25519 public key */
    static PublicKey ed25519PublicKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("ed25519 public key must be 32 bytes: " + raw.length);
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an ed25519 public key", e);
        }
    }

    @Override
    public String provider() {
        return "standard-webhooks";
    }

    @Override
    public Verification verify(Headers headers, byte[] rawBody, Instant now) {
        List<String> ids = headers.getAll(ID);
        List<String> timestamps = headers.getAll(TIMESTAMP);
        List<String> signatureHeaders = headers.getAll(SIGNATURE);
        if (ids.isEmpty() || timestamps.isEmpty() || signatureHeaders.isEmpty()) {
            return Verification.refused(provider(), Cause.MISSING_HEADER);
        }
        String id = ids.get(0);
        String timestamp = timestamps.get(0);
        String signatureHeader = signatureHeaders.get(0);
        long time = Crypto.timestamp(timestamp);
        if (ids.size() > 1 || timestamps.size() > 1 || signatureHeaders.size() > 1 || id.isEmpty()
                || id.length() > MAX_ID_LENGTH || time < 0 || signatureHeader.length() > Crypto.MAX_HEADER_LENGTH) {
            return Verification.refused(provider(), Cause.MALFORMED_HEADER);
        }
        List<byte[]> macs = new ArrayList<>(2);
        List<byte[]> ed25519 = new ArrayList<>(1);
        String[] entries = signatureHeader.strip().split(" +");
        if (entries.length > MAX_SIGNATURES) {
            return Verification.refused(provider(), Cause.MALFORMED_HEADER);
        }
        for (String entry : entries) {
            int comma = entry.indexOf(',');
            if (comma < 0) {
                return Verification.refused(provider(), Cause.MALFORMED_HEADER);
            }
            String version = entry.substring(0, comma);
            byte[] signature = Crypto.base64(entry.substring(comma + 1));
            if (version.equals("v1")) {
                if (signature == null || signature.length != 32) {
                    return Verification.refused(provider(), Cause.MALFORMED_HEADER);
                }
                macs.add(signature);
            } else if (version.equals("v1a")) {
                if (signature == null || signature.length != 64) {
                    return Verification.refused(provider(), Cause.MALFORMED_HEADER);
                }
                ed25519.add(signature);
            }
        }
        if (macs.isEmpty() && ed25519.isEmpty()) {
            return Verification.refused(provider(), Cause.MALFORMED_HEADER);
        }
        if (!hmacMatches(macs, id, timestamp, rawBody) & !ed25519Matches(ed25519, id, timestamp, rawBody)) {
            return Verification.refused(provider(), Cause.SIGNATURE_MISMATCH);
        }
        if (!Crypto.within(Instant.ofEpochSecond(time), now, tolerance)) {
            return Verification.refused(provider(), Cause.TIMESTAMP_OUT_OF_WINDOW);
        }
        return Verification.accepted(provider());
    }

    private boolean hmacMatches(List<byte[]> provided, String id, String timestamp, byte[] body) {
        if (provided.isEmpty() || hmacKeys.isEmpty()) {
            return false;
        }
        List<byte[]> expected = new ArrayList<>(hmacKeys.size());
        for (byte[] key : hmacKeys) {
            expected.add(CONTENT.mac("HmacSHA256", key, id, timestamp, body));
        }
        return Crypto.anyEqual(expected, provided);
    }

    private boolean ed25519Matches(List<byte[]> provided, String id, String timestamp, byte[] body) {
        for (PublicKey key : publicKeys) {
            for (byte[] signature : provided) {
                try {
                    // Signature objects are stateful; a fresh one per check keeps the verifier thread-safe.
                    Signature verifier = Signature.getInstance("Ed25519");
                    verifier.initVerify(key);
                    CONTENT.feed(id, timestamp, body, verifier::update);
                    if (verifier.verify(signature)) {
                        return true;
                    }
                } catch (GeneralSecurityException e) {
                    // A signature the JDK cannot even parse is simply not a match.
                }
            }
        }
        return false;
    }
}
