package dev.bulwark.core.webhook;

import dev.bulwark.core.config.Mode;
import dev.bulwark.core.idempotency.IdempotencyConfig;
import dev.bulwark.core.idempotency.IdempotencyKeySource;
import dev.bulwark.core.webhook.VerifierConfig.Hmac;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookVerifiersTest {

    private static final String STRONG = "3f1e6a9b2c7d48e5a0b9c8d7e6f5a4b3";

    private static List<String> problems(VerifierConfig verifier, Mode mode) {
        return WebhookVerifiers.problems(new WebhookConfig(verifier, null), mode);
    }

    private static Hmac hmac(String signedContent, String timestampHeader, Duration tolerance, String idHeader) {
        return new Hmac(null, List.of(STRONG), "X-Signature", Hmac.Algorithm.SHA256, Hmac.Encoding.HEX, null,
                signedContent, timestampHeader, null, tolerance, idHeader);
    }

    @Test
    void strongSecretsPassInProduction() {
        assertThat(problems(new VerifierConfig.Meta(List.of(STRONG), List.of("verify-token-7Hq2xLm9")),
                Mode.PRODUCTION)).isEmpty();
    }

    @Test
    void shortHmacSecretIsRefusedInProductionOnly() {
        VerifierConfig github = new VerifierConfig.GitHub(List.of(STRONG, "s3cr3t-abcdefgh"));

        assertThat(problems(github, Mode.PRODUCTION))
                .containsExactly("secrets[1]: must be at least 32 bytes in production mode: 15 bytes");
        assertThat(problems(github, Mode.DEVELOPMENT)).isEmpty();
    }

    @Test
    void problemsNeverQuoteTheSecret() {
        String weak = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-demo";

        List<String> problems = problems(new VerifierConfig.Slack(List.of(weak), null), Mode.PRODUCTION);

        assertThat(problems).containsExactly(
                "secrets[0]: has fewer than 8 distinct characters, too weak for production mode",
                "secrets[0]: looks like a placeholder (contains \"demo\"), refused in production mode");
        assertThat(String.join("\n", problems)).doesNotContain(weak);
    }

    @Test
    void seedPlaceholderSecretIsRefusedInProduction() {
        assertThat(problems(new VerifierConfig.Telegram(List.of("your-telegram-webhook-secret-16chars-min")),
                Mode.PRODUCTION)).containsExactly(
                        "secrets[0]: looks like a placeholder (contains \"your-\"), refused in production mode");
    }

    @Test
    void shortTokensAreRefusedInProduction() {
        assertThat(problems(new VerifierConfig.ApiKey("x-evolution-apikey", List.of("k3y-9x")), Mode.PRODUCTION))
                .containsExactly("secrets[0]: must be at least 16 characters in production mode: 6 characters");
    }

    @Test
    void missingAndEmptySecretsAreRefusedInEveryMode() {
        assertThat(problems(new VerifierConfig.Stripe(List.of(), null), Mode.DEVELOPMENT))
                .containsExactly("secrets: at least one secret is required for preset stripe");
        assertThat(problems(new VerifierConfig.ApiKey("x-api-key", List.of(" ")), Mode.DEVELOPMENT))
                .containsExactly("secrets[0]: must not be empty");
        assertThat(problems(new VerifierConfig.Telegram(List.of()), Mode.DEVELOPMENT))
                .containsExactly("secrets: at least one is required");
    }

    @Test
    void telegramTokenOutsideTelegramsAlphabetIsRefused() {
        assertThat(problems(new VerifierConfig.Telegram(List.of("has spaces and ünïcode")), Mode.DEVELOPMENT))
                .containsExactly("secrets[0]: telegram secret token must be 1 to 256 characters of "
                        + "A-Z, a-z, 0-9, _ and - (22 characters)");
    }

    @Test
    void standardWebhooksKeysMustCarryTheirPrefixAndDecode() {
        assertThat(problems(new VerifierConfig.StandardWebhooks(List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_not base64!", "whpk_AAAA", "whsec_AAAAAAAAAAAAAAAAAAAAAAAA"), null), Mode.PRODUCTION))
                .containsExactly(
                        "secrets[0]: must start with whsec_ (hmac secret) or whpk_ (ed25519 public key)",
                        "secrets[1]: must be base64 after its prefix",
                        "secrets[2]: ed25519 public key must be 32 bytes: 3 bytes",
                        "secrets[3]: must be at least 24 bytes in production mode: 18 bytes");
    }

    @Test
    void toleranceMustBePositiveAndAtMostAnHour() {
        assertThat(problems(new VerifierConfig.Stripe(List.of(STRONG), Duration.ZERO), Mode.DEVELOPMENT))
                .containsExactly("tolerance: must be positive and at most PT1H: PT0S");
        assertThat(problems(new VerifierConfig.Slack(List.of(STRONG), Duration.ofHours(2)), Mode.DEVELOPMENT))
                .containsExactly("tolerance: must be positive and at most PT1H: PT2H");
    }

    @Test
    void apiKeyNeedsAValidHeaderName() {
        assertThat(problems(new VerifierConfig.ApiKey("x api key", List.of(STRONG)), Mode.DEVELOPMENT))
                .containsExactly("header: must be a header name: x api key");
    }

    @Test
    void genericHmacTemplateIsChecked() {
        assertThat(problems(hmac("{timestamp}.{payload}", "X-Ts", null, null), Mode.DEVELOPMENT))
                .containsExactly("signedContent: signed content placeholder must be {body}, {timestamp} or {id}: "
                        + "{payload}");
        assertThat(problems(hmac("{timestamp}", "X-Ts", null, null), Mode.DEVELOPMENT))
                .containsExactly("signedContent: signed content template must contain {body} exactly once: "
                        + "{timestamp}");
        assertThat(problems(hmac("{timestamp}.{body}", null, null, null), Mode.DEVELOPMENT))
                .containsExactly("timestampHeader: required when signedContent uses {timestamp} or a tolerance is set");
        assertThat(problems(hmac(null, null, Duration.ofMinutes(5), null), Mode.DEVELOPMENT))
                .containsExactly("timestampHeader: required when signedContent uses {timestamp} or a tolerance is set");
        assertThat(problems(hmac("{id}.{body}", null, null, null), Mode.DEVELOPMENT))
                .containsExactly("idHeader: required when signedContent uses {id}");
        assertThat(problems(hmac("{body", null, null, null), Mode.DEVELOPMENT))
                .containsExactly("signedContent: signed content template has an unclosed brace: {body");
    }

    @Test
    void genericHmacNeedsAlgorithmAndEncoding() {
        Hmac incomplete = new Hmac(null, List.of(STRONG), "X-Signature", null, null, null, null, null, null, null,
                null);

        assertThat(problems(incomplete, Mode.DEVELOPMENT))
                .containsExactly("algorithm: must be SHA256 or SHA512", "encoding: must be HEX or BASE64");
    }

    @Test
    void createListsEveryProblem() {
        VerifierConfig bad = new VerifierConfig.Stripe(List.of("short"), Duration.ofDays(1));

        assertThatThrownBy(() -> WebhookVerifiers.create(bad, Mode.PRODUCTION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid webhook config:\n"
                        + "secrets[0]: must be at least 32 bytes in production mode: 5 bytes\n"
                        + "tolerance: must be positive and at most PT1H: PT24H");
    }

    @Test
    void presetsDeduplicateByTheProvidersDeliveryIdByDefault() {
        CompiledWebhook telegram = WebhookVerifiers.create(
                new WebhookConfig(new VerifierConfig.Telegram(List.of("tg_current-Secret_9f8e7d6c5b4a")), null),
                Mode.PRODUCTION);
        CompiledWebhook standard = WebhookVerifiers.create(new WebhookConfig(
                new VerifierConfig.StandardWebhooks(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), null), null),
                Mode.PRODUCTION);

        assertThat(telegram.idempotencyKey()).hasToString("$.update_id");
        assertThat(telegram.idempotencyTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(standard.idempotencyKey()).isInstanceOf(IdempotencyKeySource.Header.class)
                .hasToString("webhook-id");
        assertThat(telegram.handshake()).isNull();
    }

    @Test
    void apiKeyPresetHasNoDefaultKeyAndMustBeToldOne() {
        VerifierConfig evolution = new VerifierConfig.ApiKey("x-evolution-apikey", List.of(STRONG));

        assertThat(WebhookVerifiers.create(new WebhookConfig(evolution, null), Mode.PRODUCTION).deduplicates())
                .isFalse();
        assertThat(WebhookVerifiers.problems(new WebhookConfig(evolution, IdempotencyConfig.DEFAULTS),
                Mode.PRODUCTION)).containsExactly(
                        "idempotency.key: required for preset apikey (a header name or a json path such as $.id)");
        CompiledWebhook keyed = WebhookVerifiers.create(new WebhookConfig(evolution,
                new IdempotencyConfig(true, "$.data.key.id", Duration.ofHours(48))), Mode.PRODUCTION);
        assertThat(keyed.idempotencyKey()).hasToString("$.data.key.id");
        assertThat(keyed.idempotencyTtl()).isEqualTo(Duration.ofHours(48));
    }

    @Test
    void idempotencyKeyAndTtlAreValidated() {
        VerifierConfig meta = new VerifierConfig.Meta(List.of(STRONG), List.of());

        assertThat(WebhookVerifiers.problems(new WebhookConfig(meta,
                new IdempotencyConfig(true, "$.entry[x]", Duration.ofDays(31))), Mode.PRODUCTION))
                .containsExactly(
                        "idempotency.key: json path index must be a non-negative integer at 7: $.entry[x]",
                        "idempotency.ttl: must be positive and at most PT720H: PT744H");
    }

    @Test
    void disabledIdempotencyFiltersNoDuplicates() {
        CompiledWebhook meta = WebhookVerifiers.create(new WebhookConfig(
                new VerifierConfig.Meta(List.of(STRONG), List.of("verify-token-7Hq2xLm9")), IdempotencyConfig.DISABLED),
                Mode.PRODUCTION);

        assertThat(meta.deduplicates()).isFalse();
        assertThat(meta.handshake()).isNotNull();
    }

    @Test
    void configsNeverPrintTheirSecrets() {
        assertThat(new VerifierConfig.Meta(List.of(STRONG), List.of("verify-token-7Hq2xLm9")).toString())
                .doesNotContain(STRONG).doesNotContain("verify-token");
        assertThat(hmac(null, null, null, null).toString()).doesNotContain(STRONG);
    }
}
