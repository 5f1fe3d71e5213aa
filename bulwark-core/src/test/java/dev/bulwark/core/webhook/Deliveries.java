package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.core.webhook.VerifierConfig.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test fixtures: for each preset, its configuration and a signer written from the provider's documentation
 * (independently of the production code), so a delivery can be forged, tampered with or replayed.
 */
final class Deliveries {

    private Deliveries() {
    }

    /** Signs a body the way the provider does. */
    @FunctionalInterface
    interface Signer {
        Headers sign(String secret, byte[] body, Instant time);
    }

    /**
     * One preset under test.
     *
     * @param name            the preset name
     * @param config          builds the config from a list of secrets
     * @param signer          signs like the provider
     * @param current         a valid secret
     * @param previous        another valid secret (rotation)
     * @param signatureHeader the header whose absence must be refused
     * @param timestamped     whether the scheme has a replay window
     */
    record Preset(String name, Function<List<String>, VerifierConfig> config, Signer signer, String current,
                  String previous, String signatureHeader, boolean timestamped) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    static final Preset META = new Preset("meta", s -> new VerifierConfig.Meta(s, List.of()),
            (secret, body, time) -> Headers.create().set("X-Hub-Signature-256",
                    "sha256=" + hex("HmacSHA256", secret, body)),
            "3f1e6a9b2c7d48e5a0b9c8d7e6f5a4b3", "9a8b7c6d5e4f30211f2e3d4c5b6a7980", "X-Hub-Signature-256", false);

    static final Preset GITHUB = new Preset("github", VerifierConfig.GitHub::new,
            (secret, body, time) -> Headers.create().set("X-Hub-Signature-256",
                    "sha256=" + hex("HmacSHA256", secret, body)),
            "gh-current-secret-8c1f4e2a9b7d3c6e", "gh-previous-secret-1a2b3c4d5e6f7a8b", "X-Hub-Signature-256",
            false);

    static final Preset TELEGRAM = new Preset("telegram", VerifierConfig.Telegram::new,
            (secret, body, time) -> Headers.create().set("X-Telegram-Bot-Api-Secret-Token", secret),
            "tg_current-Secret_9f8e7d6c5b4a", "tg_previous-Secret_1a2b3c4d5e6f", "X-Telegram-Bot-Api-Secret-Token",
            false);

    static final Preset APIKEY = new Preset("apikey", s -> new VerifierConfig.ApiKey("x-evolution-apikey", s),
            (secret, body, time) -> Headers.create().set("x-evolution-apikey", secret),
            "evo-current-key-0b5c9e2f7a1d4c8e", "evo-previous-key-6d3a8f1c5e9b2a7d", "x-evolution-apikey", false);

    static final Preset STANDARD_WEBHOOKS = new Preset("standard-webhooks",
            s -> new VerifierConfig.StandardWebhooks(s, null),
            (secret, body, time) -> {
                String id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
                String timestamp = Long.toString(time.getEpochSecond());
                byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
                return Headers.create().set("webhook-id", id).set("webhook-timestamp", timestamp)
                        .set("webhook-signature", "v1," + Base64.getEncoder().encodeToString(
                                mac("HmacSHA256", key, concat(id + "." + timestamp + ".", body))));
            },
            "whsec_" + Base64.getEncoder().encodeToString(bytes(32, 7)),
            "whsec_" + Base64.getEncoder().encodeToString(bytes(32, 99)), "webhook-signature", true);

    static final Preset STRIPE = new Preset("stripe", s -> new VerifierConfig.Stripe(s, null),
            (secret, body, time) -> {
                String t = Long.toString(time.getEpochSecond());
                return Headers.create().set("Stripe-Signature",
                        "t=" + t + ",v1=" + hex("HmacSHA256", secret, concat(t + ".", body))
                                + ",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39");
            },
            "whsec_5f0c9a2b7e4d1c8f3a6b9e2d5c8f1a4b", "whsec_0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b", "Stripe-Signature",
            true);

    static final Preset SLACK = new Preset("slack", s -> new VerifierConfig.Slack(s, null),
            (secret, body, time) -> {
                String ts = Long.toString(time.getEpochSecond());
                return Headers.create().set("X-Slack-Request-Timestamp", ts)
                        .set("X-Slack-Signature", "v0=" + hex("HmacSHA256", secret, concat("v0:" + ts + ":", body)));
            },
            "e4c1a9f27b3d58e6c0a1b2d3f4e5a6b7", "07b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2", "X-Slack-Signature", true);

    static final Preset HMAC = new Preset("hmac",
            s -> new Hmac("partner", s, "X-Partner-Signature", Hmac.Algorithm.SHA512, Hmac.Encoding.BASE64,
                    "sha512=", "{timestamp}.{id}.{body}", "X-Partner-Timestamp", Hmac.TimestampUnit.MILLISECONDS,
                    FIVE_MINUTES, "X-Partner-Delivery"),
            (secret, body, time) -> {
                String ts = Long.toString(time.toEpochMilli());
                String id = "dlv-81c2";
                return Headers.create().set("X-Partner-Timestamp", ts).set("X-Partner-Delivery", id)
                        .set("X-Partner-Signature", "sha512=" + Base64.getEncoder().encodeToString(
                                mac("HmacSHA512", secret.getBytes(StandardCharsets.UTF_8),
                                        concat(ts + "." + id + ".", body))));
            },
            "partner-current-5e8a1c4f7b2d9e6a3c0f", "partner-previous-2b9e6c3f0a7d4e1b8c5f", "X-Partner-Signature",
            true);

    static final List<Preset> ALL = List.of(META, GITHUB, TELEGRAM, APIKEY, STANDARD_WEBHOOKS, STRIPE, SLACK, HMAC);

    static List<Preset> timestamped() {
        return ALL.stream().filter(Preset::timestamped).toList();
    }

    static byte[] mac(String algorithm, byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(String algorithm, String secret, byte[] content) {
        return HexFormat.of().formatHex(mac(algorithm, secret.getBytes(StandardCharsets.UTF_8), content));
    }

    static byte[] concat(String prefix, byte[] body) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static byte[] bytes(int length, int seed) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (seed * 31 + i * 17);
        }
        return out;
    }
}
