package dev.bulwark.api.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A response kept for replay to duplicate requests, with the fingerprint of the request that produced it.
 *
 * <p>Only a safe subset of headers is kept (content type, location and the like; never {@code Set-Cookie}),
 * chosen by the caller. Header names are stored in lower case. Immutable: the byte arrays are copied in and
 * out, so a stored value cannot be changed by its creator or its readers.
 *
 * @param status             the HTTP status
 * @param headers            the replayed header subset, lower-case names, one value each
 * @param body               the body bytes
 * @param requestFingerprint a digest of the request that produced the response (for the {@code Idempotency-Key}
 *                           "same key, different request" check); empty when not used
 */
public record StoredResponse(int status, Map<String, String> headers, byte[] body, byte[] requestFingerprint) {

    public StoredResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be between 100 and 599: " + status);
        }
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), Objects.requireNonNull(value)));
        headers = Collections.unmodifiableMap(lower);
        body = body.clone();
        requestFingerprint = requestFingerprint.clone();
    }

    /** @return a copy of the body */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** @return a copy of the request fingerprint */
    @Override
    public byte[] requestFingerprint() {
        return requestFingerprint.clone();
    }

    /** @return whether {@code fingerprint} equals the stored one, compared in constant time */
    public boolean matchesFingerprint(byte[] fingerprint) {
        return java.security.MessageDigest.isEqual(requestFingerprint, fingerprint);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredResponse that && status == that.status && headers.equals(that.headers)
                && Arrays.equals(body, that.body) && Arrays.equals(requestFingerprint, that.requestFingerprint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body), Arrays.hashCode(requestFingerprint));
    }

    @Override
    public String toString() {
        return "StoredResponse[status=" + status + ", headers=" + headers.keySet() + ", body=" + body.length
                + " bytes]";
    }
}
