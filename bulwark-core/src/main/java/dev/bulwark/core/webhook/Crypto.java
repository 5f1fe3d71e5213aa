package dev.bulwark.core.webhook;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Shared primitives for the verifiers: JDK MACs, strict decoders and constant-time comparison. */
final class Crypto {

    /** Longest signature header any verifier reads; anything longer is refused before decoding. */
    static final int MAX_HEADER_LENGTH = 8192;

    private Crypto() {
    }

    /** Receives signed content piece by piece, so a body is never copied to be signed. */
    @FunctionalInterface
    interface Sink {
        void update(byte[] bytes) throws GeneralSecurityException;
    }

    /**
     * A fresh, initialised {@link Mac}: {@code Mac} instances are stateful, so each verification gets its own
     * rather than sharing one across threads.
     */
    static Mac mac(String algorithm, byte[] key) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every JDK ships HmacSHA256 and HmacSHA512; their absence is a broken runtime, not bad input.
            throw new IllegalStateException("jdk lacks " + algorithm, e);
        }
    }

    /**
     * Whether any expected value equals any provided one. Every pair is compared (no early exit) with
     * {@link MessageDigest#isEqual}, which takes the same time wherever the bytes differ.
     */
    static boolean anyEqual(List<byte[]> expected, List<byte[]> provided) {
        boolean match = false;
        for (byte[] e : expected) {
            for (byte[] p : provided) {
                match |= e.length == p.length && MessageDigest.isEqual(e, p);
            }
        }
        return match;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("jdk lacks sha-256", e);
        }
    }

    /** @return the bytes of a hex string (either case), or {@code null} when it is not even-length hex */
    static byte[] hex(String text) {
        if (text.isEmpty() || text.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int high = Character.digit(text.charAt(2 * i), 16);
            int low = Character.digit(text.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                return null;
            }
            out[i] = (byte) (high << 4 | low);
        }
        return out;
    }

    /** @return the bytes of standard padded base64, or {@code null} when it is not valid base64 */
    static byte[] base64(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return a decimal timestamp of up to 15 digits, or {@code -1} when it is anything else */
    static long timestamp(String text) {
        if (text == null || text.isEmpty() || text.length() > 15) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }

    /** @return whether {@code time} lies within {@code tolerance} of {@code now}, in the past or the future */
    static boolean within(Instant time, Instant now, Duration tolerance) {
        return Duration.between(time, now).abs().compareTo(tolerance) <= 0;
    }
}
