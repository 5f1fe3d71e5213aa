package dev.bulwark.core.auth.token;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The operator's 256-bit key that encrypts signing keys at rest (see {@link KeyEncryption}).
 *
 * <p>Only 32 random-looking bytes are accepted: a short key, a repeated byte, or text pasted in place of key
 * bytes (a password, a passphrase) is refused with {@link IllegalArgumentException}, whose message never
 * contains key material. Immutable; {@link #toString()} is redacted.
 */
public final class MasterKey {

    /** AES-256. */
    public static final int LENGTH = 32;

    /** 32 random bytes have about 30 distinct values; fewer than this means they are not random. */
    private static final int MIN_DISTINCT_BYTES = 16;

    private final byte[] bytes;

    private MasterKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} is not 32 bytes or looks weak
     */
    public static MasterKey of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("master key must be " + LENGTH + " bytes: " + bytes.length);
        }
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : bytes) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                distinct++;
            }
        }
        if (distinct < MIN_DISTINCT_BYTES) {
            throw new IllegalArgumentException("master key is not random: too few distinct bytes");
        }
        boolean allPrintable = true;
        for (byte b : bytes) {
            allPrintable &= b >= 0x20 && b < 0x7f;
        }
        if (allPrintable) {
            throw new IllegalArgumentException("master key is text, not random bytes: use 32 random bytes in base64");
        }
        return new MasterKey(bytes.clone());
    }

    /**
     * @param base64 32 bytes in standard or URL-safe base64, surrounding whitespace ignored
     * @throws IllegalArgumentException when it is not base64 or the key is weak
     */
    public static MasterKey fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        String trimmed = base64.strip();
        byte[] decoded;
        try {
            decoded = trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("master key is not base64", notBase64);
        }
        return of(decoded);
    }

    /**
     * Reads a key file holding the base64 key.
     *
     * @throws UncheckedIOException     when the file cannot be read
     * @throws IllegalArgumentException when its content is not a strong key
     */
    public static MasterKey fromFile(Path file) {
        try {
            return fromBase64(Files.readString(file));
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read master key file: " + file, unreadable);
        }
    }

    byte[] bytes() {
        return bytes;
    }

    /**
     * Derives an independent 32-byte key for one purpose (HKDF-Expand with a single block: HMAC-SHA256 of the
     * purpose under this key), so refresh-token sealing, CSRF tokens and key encryption never share a key.
     *
     * @param purpose a fixed label such as {@code "bulwark csrf v1"}
     * @return a new array the caller owns
     */
    public byte[] derive(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(new byte[] {1});
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every jdk has hmac-sha256", impossible);
        }
    }

    /** @return the key in standard base64, for writing a key file; never logged */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @return a fresh random key, for development mode when none is configured */
    public static MasterKey generate() {
        byte[] fresh = new byte[LENGTH];
        new SecureRandom().nextBytes(fresh);
        return of(fresh);
    }

    @Override
    public String toString() {
        return "MasterKey[redacted]";
    }
}
