package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.core.webhook.Verification.Cause;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's scheme: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, HMAC-SHA256 over
 * {@code <t>.<body>} keyed with the endpoint secret as written ({@code whsec_...}). Several {@code v1} entries
 * appear while Stripe rolls a secret; any one matching any configured secret is enough. Other schemes
 * ({@code v0}) are ignored, as Stripe's own libraries do. Immutable and thread-safe.
 */
final class StripeVerifier implements WebhookVerifier {

    static final String HEADER = "Stripe-Signature";
    private static final SignedContent CONTENT = SignedContent.parse("{timestamp}.{body}");
    /** More entries than any real header carries; bounds the work a forged header can cause. */
    private static final int MAX_SIGNATURES = 8;

    private final List<byte[]> keys;
    private final Duration tolerance;

    StripeVerifier(List<String> secrets, Duration tolerance) {
        this.keys = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.tolerance = tolerance;
    }

    @Override
    public String provider() {
        return "stripe";
    }

    @Override
    public Verification verify(Headers headers, byte[] rawBody, Instant now) {
        List<String> values = headers.getAll(HEADER);
        if (values.isEmpty()) {
            return Verification.refused(provider(), Cause.MISSING_HEADER);
        }
        String value = values.get(0);
        if (values.size() > 1 || value.length() > Crypto.MAX_HEADER_LENGTH) {
            return Verification.refused(provider(), Cause.MALFORMED_HEADER);
        }
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>(2);
        for (String item : value.split(",", -1)) {
            int eq = item.indexOf('=');
            if (eq < 1) {
                return Verification.refused(provider(), Cause.MALFORMED_HEADER);
            }
            String key = item.substring(0, eq).strip();
            String val = item.substring(eq + 1).strip();
            if (key.equals("t")) {
                if (timestamp != null) {
                    return Verification.refused(provider(), Cause.MALFORMED_HEADER);
                }
                timestamp = val;
            } else if (key.equals("v1")) {
                byte[] signature = Crypto.hex(val);
                if (signature == null || signature.length != 32 || signatures.size() == MAX_SIGNATURES) {
                    return Verification.refused(provider(), Cause.MALFORMED_HEADER);
                }
                signatures.add(signature);
            }
        }
        long time = Crypto.timestamp(timestamp);
        if (time < 0 || signatures.isEmpty()) {
            return Verification.refused(provider(), Cause.MALFORMED_HEADER);
        }
        List<byte[]> expected = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            expected.add(CONTENT.mac("HmacSHA256", key, null, timestamp, rawBody));
        }
        if (!Crypto.anyEqual(expected, signatures)) {
            return Verification.refused(provider(), Cause.SIGNATURE_MISMATCH);
        }
        if (!Crypto.within(Instant.ofEpochSecond(time), now, tolerance)) {
            return Verification.refused(provider(), Cause.TIMESTAMP_OUT_OF_WINDOW);
        }
        return Verification.accepted(provider());
    }
}
