package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.core.webhook.Verification.Cause;
import dev.bulwark.core.webhook.VerifierConfig.Hmac.Algorithm;
import dev.bulwark.core.webhook.VerifierConfig.Hmac.Encoding;
import dev.bulwark.core.webhook.VerifierConfig.Hmac.TimestampUnit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One HMAC signature in one header, over a templated signed content, with an optional timestamp window: Meta,
 * GitHub, Slack and the generic {@code hmac} definition. Immutable and thread-safe.
 */
final class HmacVerifier implements WebhookVerifier {

    private final String provider;
    private final String header;
    private final Algorithm algorithm;
    private final Encoding encoding;
    private final String prefix;
    private final SignedContent content;
    private final String timestampHeader;
    private final TimestampUnit timestampUnit;
    private final Duration tolerance;
    private final String idHeader;
    private final List<byte[]> keys;

    HmacVerifier(String provider, List<byte[]> keys, String header, Algorithm algorithm, Encoding encoding,
                 String prefix, SignedContent content, String timestampHeader, TimestampUnit timestampUnit,
                 Duration tolerance, String idHeader) {
        this.provider = provider;
        this.keys = keys.stream().map(byte[]::clone).toList();
        this.header = header;
        this.algorithm = algorithm;
        this.encoding = encoding;
        this.prefix = prefix == null ? "" : prefix;
        this.content = content;
        this.timestampHeader = timestampHeader;
        this.timestampUnit = timestampUnit == null ? TimestampUnit.SECONDS : timestampUnit;
        this.tolerance = tolerance;
        this.idHeader = idHeader;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public Verification verify(Headers headers, byte[] rawBody, Instant now) {
        Single signature = Single.of(headers, header);
        Single timestamp = timestampHeader == null ? Single.ABSENT : Single.of(headers, timestampHeader);
        Single id = idHeader == null ? Single.ABSENT : Single.of(headers, idHeader);
        if (signature.missing() || timestampHeader != null && timestamp.missing()
                || idHeader != null && id.missing()) {
            return Verification.refused(provider, Cause.MISSING_HEADER);
        }
        if (signature.repeated() || timestamp.repeated() || id.repeated()
                || idHeader != null && id.value().isEmpty()) {
            return Verification.refused(provider, Cause.MALFORMED_HEADER);
        }
        byte[] provided = decode(signature.value());
        long time = timestampHeader == null ? 0 : Crypto.timestamp(timestamp.value());
        if (provided == null || time < 0) {
            return Verification.refused(provider, Cause.MALFORMED_HEADER);
        }
        List<byte[]> expected = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            expected.add(content.mac(algorithm.jdkName, key, id.value(), timestamp.value(), rawBody));
        }
        if (!Crypto.anyEqual(expected, List.of(provided))) {
            return Verification.refused(provider, Cause.SIGNATURE_MISMATCH);
        }
        if (tolerance != null) {
            Instant sent = timestampUnit == TimestampUnit.SECONDS ? Instant.ofEpochSecond(time)
                    : Instant.ofEpochMilli(time);
            if (!Crypto.within(sent, now, tolerance)) {
                return Verification.refused(provider, Cause.TIMESTAMP_OUT_OF_WINDOW);
            }
        }
        return Verification.accepted(provider);
    }

    /** @return the signature bytes, or {@code null} when the header is not prefix + well-formed MAC */
    private byte[] decode(String value) {
        if (value.length() > Crypto.MAX_HEADER_LENGTH || !value.startsWith(prefix)) {
            return null;
        }
        String encoded = value.substring(prefix.length());
        byte[] bytes = encoding == Encoding.HEX ? Crypto.hex(encoded) : Crypto.base64(encoded);
        return bytes != null && bytes.length == algorithm.length ? bytes : null;
    }

    /**
     * A header that must appear at most once: a repeated signature or timestamp is refused rather than
     * guessing which copy the provider meant.
     */
    record Single(String value, int count) {
        static final Single ABSENT = new Single(null, 0);

        static Single of(Headers headers, String name) {
            List<String> all = headers.getAll(name);
            return all.isEmpty() ? ABSENT : new Single(all.get(0).strip(), all.size());
        }

        boolean missing() {
            return count == 0;
        }

        boolean repeated() {
            return count > 1;
        }
    }
}
