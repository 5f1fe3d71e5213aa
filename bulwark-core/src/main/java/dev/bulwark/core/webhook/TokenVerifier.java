package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.core.webhook.Verification.Cause;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A shared secret sent as-is in a header: Telegram's {@code X-Telegram-Bot-Api-Secret-Token} and API keys
 * such as Evolution's {@code x-evolution-apikey}. Refusals are 403, as the providers' integrations expect.
 *
 * <p>Both sides are hashed with SHA-256 before {@link java.security.MessageDigest#isEqual} compares them, so
 * the comparison always runs over 32 bytes and its timing reveals neither content nor the secret's length.
 * Immutable and thread-safe.
 */
final class TokenVerifier implements WebhookVerifier {

    private final String provider;
    private final String header;
    private final List<byte[]> tokenDigests;

    TokenVerifier(String provider, String header, List<String> tokens) {
        this.provider = provider;
        this.header = header;
        this.tokenDigests = tokens.stream().map(t -> Crypto.sha256(t.getBytes(StandardCharsets.UTF_8))).toList();
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public Reason refusalReason() {
        return Reason.WEBHOOK_CREDENTIAL_INVALID;
    }

    @Override
    public Verification verify(Headers headers, byte[] rawBody, Instant now) {
        List<String> values = headers.getAll(header);
        if (values.isEmpty()) {
            return Verification.refused(provider, Cause.MISSING_HEADER);
        }
        String value = values.get(0);
        if (values.size() > 1 || value.isEmpty() || value.length() > Crypto.MAX_HEADER_LENGTH) {
            return Verification.refused(provider, Cause.MALFORMED_HEADER);
        }
        byte[] digest = Crypto.sha256(value.getBytes(StandardCharsets.UTF_8));
        return Crypto.anyEqual(tokenDigests, List.of(digest)) ? Verification.accepted(provider)
                : Verification.refused(provider, Cause.SIGNATURE_MISMATCH);
    }
}
