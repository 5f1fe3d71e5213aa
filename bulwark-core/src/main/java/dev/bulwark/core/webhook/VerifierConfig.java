package dev.bulwark.core.webhook;

import java.time.Duration;
import java.util.List;

/**
 * How one webhook route checks its deliveries: a provider preset or the generic HMAC definition, with the
 * list of active secrets (all accepted, for rotation).
 *
 * <p>The records only hold data (lists are copied, {@code null} tolerances mean the preset's default);
 * {@link WebhookVerifiers} validates them and builds the verifier. Secrets never appear in
 * {@code toString()}, so a logged config cannot leak them.
 */
public sealed interface VerifierConfig {

    /** The default replay window of timestamped schemes, as Standard Webhooks, Stripe and Slack document. */
    Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** @return the preset name as written in the configuration, e.g. {@code "standard-webhooks"} */
    String preset();

    /** @return the active secrets (raw, {@code whsec_}/{@code whpk_} keys, tokens or API keys) */
    List<String> secrets();

    /**
     * WhatsApp Cloud and other Meta webhooks: {@code X-Hub-Signature-256: sha256=<hex>} over the raw body, keyed
     * with the app secret, plus the GET subscription handshake.
     *
     * @param secrets      app secrets
     * @param verifyTokens tokens accepted in {@code hub.verify_token}; empty disables the handshake
     */
    record Meta(List<String> secrets, List<String> verifyTokens) implements VerifierConfig {
        public Meta {
            secrets = List.copyOf(secrets);
            verifyTokens = List.copyOf(verifyTokens);
        }

        @Override
        public String preset() {
            return "meta";
        }

        @Override
        public String toString() {
            return "Meta[" + secrets.size() + " secrets, " + verifyTokens.size() + " verify tokens]";
        }
    }

    /**
     * GitHub: {@code X-Hub-Signature-256: sha256=<hex>} over the raw body.
     *
     * @param secrets webhook secrets
     */
    record GitHub(List<String> secrets) implements VerifierConfig {
        public GitHub {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "github";
        }

        @Override
        public String toString() {
            return "GitHub[" + secrets.size() + " secrets]";
        }
    }

    /**
     * Telegram Bot API: the {@code X-Telegram-Bot-Api-Secret-Token} header equals a configured token.
     *
     * @param secrets the {@code secret_token} values given to {@code setWebhook}
     */
    record Telegram(List<String> secrets) implements VerifierConfig {
        public Telegram {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "telegram";
        }

        @Override
        public String toString() {
            return "Telegram[" + secrets.size() + " secrets]";
        }
    }

    /**
     * A static API key in a header, e.g. Evolution API's {@code x-evolution-apikey}.
     *
     * @param header  the header carrying the key
     * @param secrets accepted keys
     */
    record ApiKey(String header, List<String> secrets) implements VerifierConfig {
        public ApiKey {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "apikey";
        }

        @Override
        public String toString() {
            return "ApiKey[header=" + header + ", " + secrets.size() + " secrets]";
        }
    }

    /**
     * Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} with
     * {@code v1,} HMAC-SHA256 ({@code whsec_} secrets) and {@code v1a,} Ed25519 ({@code whpk_} public keys).
     *
     * @param secrets   {@code whsec_<base64>} symmetric secrets and/or {@code whpk_<base64>} Ed25519 public keys
     * @param tolerance accepted clock difference either way; {@code null} means 5 minutes
     */
    record StandardWebhooks(List<String> secrets, Duration tolerance) implements VerifierConfig {
        public StandardWebhooks {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "standard-webhooks";
        }

        @Override
        public String toString() {
            return "StandardWebhooks[" + secrets.size() + " secrets, tolerance=" + tolerance + "]";
        }
    }

    /**
     * Stripe: {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>]} over {@code t.body}.
     *
     * @param secrets   endpoint secrets ({@code whsec_...}, used as they are)
     * @param tolerance accepted clock difference either way; {@code null} means 5 minutes
     */
    record Stripe(List<String> secrets, Duration tolerance) implements VerifierConfig {
        public Stripe {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "stripe";
        }

        @Override
        public String toString() {
            return "Stripe[" + secrets.size() + " secrets, tolerance=" + tolerance + "]";
        }
    }

    /**
     * Slack: {@code X-Slack-Signature: v0=<hex>} over {@code v0:<X-Slack-Request-Timestamp>:<body>}.
     *
     * @param secrets   signing secrets
     * @param tolerance accepted clock difference either way; {@code null} means 5 minutes
     */
    record Slack(List<String> secrets, Duration tolerance) implements VerifierConfig {
        public Slack {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "slack";
        }

        @Override
        public String toString() {
            return "Slack[" + secrets.size() + " secrets, tolerance=" + tolerance + "]";
        }
    }

    /**
     * A generic HMAC scheme for providers without a preset.
     *
     * @param provider        the provider name for metrics and events; {@code null} means {@code "hmac"}
     * @param secrets         secrets, used as their UTF-8 bytes
     * @param header          the header carrying the signature
     * @param algorithm       the hash
     * @param encoding        how the signature is written
     * @param prefix          text before the encoded signature, e.g. {@code "sha256="}; {@code null} or empty for none
     * @param signedContent   template over {@code {body}} (exactly once), {@code {timestamp}} and {@code {id}},
     *                        e.g. {@code "{timestamp}.{body}"}; {@code null} means the body alone
     * @param timestampHeader the header holding the timestamp; required when the template or a tolerance uses it
     * @param timestampUnit   the timestamp's unit; {@code null} means seconds
     * @param tolerance       accepted clock difference either way; {@code null} means no timestamp check
     * @param idHeader        the header holding the delivery id; required when the template uses {@code {id}}
     */
    record Hmac(String provider, List<String> secrets, String header, Algorithm algorithm, Encoding encoding,
                String prefix, String signedContent, String timestampHeader, TimestampUnit timestampUnit,
                Duration tolerance, String idHeader) implements VerifierConfig {

        /** The hash of the HMAC. */
        public enum Algorithm {
            SHA256("HmacSHA256", 32), SHA512("HmacSHA512", 64);

            final String jdkName;
            final int length;

            Algorithm(String jdkName, int length) {
                this.jdkName = jdkName;
                this.length = length;
            }
        }

        /** How the signature bytes are written in the header. */
        public enum Encoding { HEX, BASE64 }

        /** The unit of a timestamp header. */
        public enum TimestampUnit { SECONDS, MILLISECONDS }

        public Hmac {
            secrets = List.copyOf(secrets);
        }

        @Override
        public String preset() {
            return "hmac";
        }

        @Override
        public String toString() {
            return "Hmac[provider=" + provider + ", header=" + header + ", " + algorithm + ", " + encoding
                    + ", " + secrets.size() + " secrets]";
        }
    }
}
