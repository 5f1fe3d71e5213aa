package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.webhook.Deliveries.Preset;
import dev.bulwark.core.webhook.Verification.Cause;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The same attacks against every preset: each must accept only the genuine, fresh, untampered delivery. */
class WebhookVerifierTest {

    static final List<Preset> PRESETS = Deliveries.ALL;
    static final List<Preset> TIMESTAMPED = Deliveries.timestamped();

    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
    private static final byte[] BODY = """
            {"update_id":912345678,"message":{"text":"Hello, مرحبا","chat":{"id":42}}}"""
            .getBytes(StandardCharsets.UTF_8);

    private static WebhookVerifier verifier(Preset preset, String... secrets) {
        return WebhookVerifiers.create(preset.config().apply(List.of(secrets)), Mode.PRODUCTION);
    }

    private static Verification verify(Preset preset, Headers headers, byte[] body, Instant now) {
        return verifier(preset, preset.current()).verify(headers, body, now);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void genuineDeliveryIsAccepted(Preset preset) {
        Verification result = verify(preset, preset.signer().sign(preset.current(), BODY, NOW), BODY, NOW);

        assertThat(result.ok()).isTrue();
        assertThat(result.provider()).isEqualTo(preset.name().equals("hmac") ? "partner" : preset.name());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void headerNamesAreCaseInsensitive(Preset preset) {
        Headers lower = Headers.create();
        preset.signer().sign(preset.current(), BODY, NOW).forEach((name, value) -> lower.add(
                name.toLowerCase(java.util.Locale.ROOT), value));

        assertThat(verify(preset, lower, BODY, NOW).ok()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void tamperedBodyIsRefused(Preset preset) {
        Headers headers = preset.signer().sign(preset.current(), BODY, NOW);
        byte[] tampered = BODY.clone();
        tampered[14] ^= 1;

        Verification result = verify(preset, headers, tampered, NOW);

        boolean signsBody = !preset.name().equals("telegram") && !preset.name().equals("apikey");
        assertThat(result.ok()).isEqualTo(!signsBody);
        if (signsBody) {
            assertThat(result.cause()).isEqualTo(Cause.SIGNATURE_MISMATCH);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void deliverySignedWithAnotherSecretIsRefused(Preset preset) {
        Headers forged = preset.signer().sign(preset.previous(), BODY, NOW);

        assertThat(verify(preset, forged, BODY, NOW).cause()).isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void deliveryWithoutItsSignatureHeaderIsRefused(Preset preset) {
        Headers headers = preset.signer().sign(preset.current(), BODY, NOW).remove(preset.signatureHeader());

        assertThat(verify(preset, headers, BODY, NOW).cause()).isEqualTo(Cause.MISSING_HEADER);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void deliveryWithNoHeadersAtAllIsRefused(Preset preset) {
        assertThat(verify(preset, Headers.create(), BODY, NOW).cause()).isEqualTo(Cause.MISSING_HEADER);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void repeatedSignatureHeaderIsRefused(Preset preset) {
        Headers headers = preset.signer().sign(preset.current(), BODY, NOW);
        headers.add(preset.signatureHeader(), headers.get(preset.signatureHeader()));

        assertThat(verify(preset, headers, BODY, NOW).cause()).isEqualTo(Cause.MALFORMED_HEADER);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void bothTheCurrentAndThePreviousSecretAreAcceptedDuringRotation(Preset preset) {
        WebhookVerifier rotating = verifier(preset, preset.current(), preset.previous());

        assertThat(rotating.verify(preset.signer().sign(preset.current(), BODY, NOW), BODY, NOW).ok()).isTrue();
        assertThat(rotating.verify(preset.signer().sign(preset.previous(), BODY, NOW), BODY, NOW).ok()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void emptyBodyIsVerifiedLikeAnyOther(Preset preset) {
        byte[] empty = new byte[0];

        assertThat(verify(preset, preset.signer().sign(preset.current(), empty, NOW), empty, NOW).ok()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TIMESTAMPED")
    void replayOlderThanTheToleranceIsRefused(Preset preset) {
        Headers old = preset.signer().sign(preset.current(), BODY, NOW.minus(Duration.ofMinutes(5).plusSeconds(1)));

        assertThat(verify(preset, old, BODY, NOW).cause()).isEqualTo(Cause.TIMESTAMP_OUT_OF_WINDOW);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TIMESTAMPED")
    void deliveryFromTheFutureIsRefused(Preset preset) {
        Headers future = preset.signer().sign(preset.current(), BODY, NOW.plus(Duration.ofMinutes(5).plusSeconds(1)));

        assertThat(verify(preset, future, BODY, NOW).cause()).isEqualTo(Cause.TIMESTAMP_OUT_OF_WINDOW);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TIMESTAMPED")
    void deliveryExactlyAtTheToleranceEitherWayIsAccepted(Preset preset) {
        Headers old = preset.signer().sign(preset.current(), BODY, NOW.minus(Deliveries.FIVE_MINUTES));
        Headers future = preset.signer().sign(preset.current(), BODY, NOW.plus(Deliveries.FIVE_MINUTES));

        assertThat(verify(preset, old, BODY, NOW).ok()).isTrue();
        assertThat(verify(preset, future, BODY, NOW).ok()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TIMESTAMPED")
    void forgedSignatureWithAStaleTimestampIsReportedAsAForgery(Preset preset) {
        Headers forged = preset.signer().sign(preset.previous(), BODY, NOW.minus(Duration.ofHours(2)));

        assertThat(verify(preset, forged, BODY, NOW).cause()).isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    static Stream<Arguments> malformedHeaders() {
        String hex64 = "a".repeat(64);
        String huge = "A".repeat(10_000);
        return Stream.of(
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha256=" + "zz".repeat(32)),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha1=" + "a".repeat(40)),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "SHA256=" + hex64),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", hex64),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", ""),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha256="),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha256=" + hex64.substring(1)),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha256=" + hex64 + "00"),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha256=" + huge),
                Arguments.of(Deliveries.META, "X-Hub-Signature-256", "sha256=invalid-signature"),
                Arguments.of(Deliveries.GITHUB, "X-Hub-Signature-256", "sha256=" + "g".repeat(64)),
                Arguments.of(Deliveries.GITHUB, "X-Hub-Signature-256", "sha512=" + hex64),
                Arguments.of(Deliveries.TELEGRAM, "X-Telegram-Bot-Api-Secret-Token", ""),
                Arguments.of(Deliveries.TELEGRAM, "X-Telegram-Bot-Api-Secret-Token", huge),
                Arguments.of(Deliveries.APIKEY, "x-evolution-apikey", ""),
                Arguments.of(Deliveries.APIKEY, "x-evolution-apikey", huge),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", "v1,not*base64!"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", "v1"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", "v1,"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", "v1,AAAA"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", "v2,AAAA"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", ""),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature", "v1," + huge),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-signature",
                        ("v1," + "A".repeat(43) + "= ").repeat(17).strip()),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-timestamp", "soon"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-timestamp", "-1700000000"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-timestamp", "1.7e9"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-timestamp", "99999999999999999999"),
                Arguments.of(Deliveries.STANDARD_WEBHOOKS, "webhook-id", ""),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "t=soon,v1=" + hex64),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "v1=" + hex64),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "t=1700000000"),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "t=1700000000,t=1700000001,v1=" + hex64),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "t=1700000000,v1=xyz"),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "garbage"),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", ""),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "t=1700000000," + ("v1=" + hex64 + ",")
                        .repeat(9) + "v0=" + hex64),
                Arguments.of(Deliveries.STRIPE, "Stripe-Signature", "t=1700000000,v1=" + huge),
                Arguments.of(Deliveries.SLACK, "X-Slack-Signature", "v1=" + hex64),
                Arguments.of(Deliveries.SLACK, "X-Slack-Signature", "v0=" + "q".repeat(64)),
                Arguments.of(Deliveries.SLACK, "X-Slack-Signature", ""),
                Arguments.of(Deliveries.SLACK, "X-Slack-Request-Timestamp", "yesterday"),
                Arguments.of(Deliveries.SLACK, "X-Slack-Request-Timestamp", ""),
                Arguments.of(Deliveries.HMAC, "X-Partner-Signature", "sha512=***"),
                Arguments.of(Deliveries.HMAC, "X-Partner-Signature", "sha512=" + "A".repeat(43) + "="),
                Arguments.of(Deliveries.HMAC, "X-Partner-Timestamp", "1700000000000ms"),
                Arguments.of(Deliveries.HMAC, "X-Partner-Delivery", ""));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("malformedHeaders")
    void malformedHeaderIsRefused(Preset preset, String header, String value) {
        Headers headers = preset.signer().sign(preset.current(), BODY, NOW).set(header, value);

        Verification result = verify(preset, headers, BODY, NOW);

        assertThat(result.ok()).isFalse();
        assertThat(result.cause()).isEqualTo(Cause.MALFORMED_HEADER);
    }
}
