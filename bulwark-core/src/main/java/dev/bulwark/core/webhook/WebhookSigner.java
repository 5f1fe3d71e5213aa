package dev.bulwark.core.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Produces the headers a provider would send with a body, for testing a webhook route by hand
 * ({@code bulwark webhooks sign}) and in tests: the inverse of the preset verifiers.
 *
 * <p>Supports {@link #PRESETS}: {@code meta}, {@code github}, {@code telegram}, {@code apikey},
 * {@code standard-webhooks} (a {@code whsec_} secret), {@code stripe} and {@code slack}. Stateless and
 * thread-safe.
 */
public final class WebhookSigner {

    /** The presets this signer knows. */
    public static final List<String> PRESETS = List.of("meta", "github", "telegram", "apikey", "standard-webhooks",
            "stripe", "slack");

    private WebhookSigner() {
    }

    /**
     * @param preset       one of {@link #PRESETS}
     * @param secret       the secret, token or API key
     * @param body         the exact body to send
     * @param id           the delivery id for {@code standard-webhooks}; ignored by others
     * @param time         the signing time for timestamped presets
     * @param apiKeyHeader the header for {@code apikey}; ignored by others
     * @return header names and values, in the order a provider sends them
     * @throws IllegalArgumentException for an unknown preset or a malformed {@code whsec_} secret
     */
    public static Map<String, String> sign(String preset, String secret, byte[] body, String id, Instant time,
                                           String apiKeyHeader) {
        Objects.requireNonNull(secret, "secret");
        Map<String, String> headers = new LinkedHashMap<>();
        String seconds = Long.toString(time.getEpochSecond());
        byte[] utf8Secret = secret.getBytes(StandardCharsets.UTF_8);
        switch (preset) {
            case "meta", "github" -> headers.put("X-Hub-Signature-256", "sha256=" + hex(utf8Secret, body));
            case "telegram" -> headers.put("X-Telegram-Bot-Api-Secret-Token", secret);
            case "apikey" -> headers.put(Objects.requireNonNull(apiKeyHeader, "apiKeyHeader"), secret);
            case "standard-webhooks" -> {
                if (!secret.startsWith("whsec_")) {
                    throw new IllegalArgumentException("standard-webhooks secret must start with whsec_");
                }
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("standard-webhooks secret is not whsec_ followed by base64");
                }
                headers.put("webhook-id", Objects.requireNonNull(id, "id"));
                headers.put("webhook-timestamp", seconds);
                headers.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(
                        mac(key, concat(id + "." + seconds + ".", body))));
            }
            case "stripe" -> headers.put("Stripe-Signature",
                    "t=" + seconds + ",v1=" + hex(utf8Secret, concat(seconds + ".", body)));
            case "slack" -> {
                headers.put("X-Slack-Request-Timestamp", seconds);
                headers.put("X-Slack-Signature", "v0=" + hex(utf8Secret, concat("v0:" + seconds + ":", body)));
            }
            default -> throw new IllegalArgumentException("unknown preset: " + preset + " (expected one of "
                    + String.join(", ", PRESETS) + ")");
        }
        return headers;
    }

    private static String hex(byte[] key, byte[] content) {
        return HexFormat.of().formatHex(mac(key, content));
    }

    private static byte[] mac(byte[] key, byte[] content) {
        return Crypto.mac("HmacSHA256", key).doFinal(content);
    }

    private static byte[] concat(String prefix, byte[] body) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
