package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.webhook.Verification.Cause;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.TestExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookRefusalTest {

    private static final WebhookVerifier META = WebhookVerifiers.create(
            new VerifierConfig.Meta(List.of("3f1e6a9b2c7d48e5a0b9c8d7e6f5a4b3"), List.of()), Mode.PRODUCTION);
    private static final WebhookVerifier TELEGRAM = WebhookVerifiers.create(
            new VerifierConfig.Telegram(List.of("tg_current-Secret_9f8e7d6c5b4a")), Mode.PRODUCTION);

    private static TestExchange exchange() {
        return ExchangeBuilder.post("/api/webhooks/whatsapp/m1").requestId("req-1").build();
    }

    private static String body(Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Cause.class)
    void clientSeesTheSameProblemWhateverFailed(Cause cause) {
        TestExchange exchange = exchange();

        Response response = WebhookRefusal.respond(exchange, META, Verification.refused("meta", cause));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(body(response)).isEqualTo("{\"type\":\"urn:bulwark:problem:webhook-signature-invalid\","
                + "\"title\":\"Webhook verification failed\",\"status\":401,"
                + "\"detail\":\"webhook verification failed\",\"requestId\":\"req-1\"}");
    }

    @Test
    void eventNamesTheProviderAndTheCause() {
        TestExchange exchange = exchange();

        WebhookRefusal.respond(exchange, META, Verification.refused("meta", Cause.SIGNATURE_MISMATCH));

        SecurityEvent event = exchange.recordedEvents().single();
        assertThat(event.reason()).isEqualTo(Reason.WEBHOOK_SIGNATURE_INVALID);
        assertThat(event.source()).isEqualTo("webhook");
        assertThat(event.detail()).isEqualTo("provider meta: signature_mismatch");
    }

    @Test
    void genuineButStaleDeliveryIsReportedAsAReplay() {
        TestExchange exchange = exchange();

        Response response = WebhookRefusal.respond(exchange, META,
                Verification.refused("meta", Cause.TIMESTAMP_OUT_OF_WINDOW));

        assertThat(exchange.recordedEvents().single().reason()).isEqualTo(Reason.WEBHOOK_TIMESTAMP_OUT_OF_WINDOW);
        assertThat(body(response)).contains("webhook-signature-invalid").doesNotContain("timestamp");
    }

    @Test
    void wrongTelegramTokenIsForbidden() {
        TestExchange exchange = exchange();
        Headers headers = Headers.create().set("X-Telegram-Bot-Api-Secret-Token", "guess");

        Response response = WebhookRefusal.respond(exchange, TELEGRAM,
                TELEGRAM.verify(headers, new byte[0], Instant.EPOCH));

        assertThat(response.status()).isEqualTo(403);
        assertThat(body(response)).contains("webhook-credential-invalid").doesNotContain("guess");
        assertThat(exchange.recordedEvents().single().detail()).isEqualTo("provider telegram: signature_mismatch");
    }

    @Test
    void acceptedVerificationCannotBeRefused() {
        assertThatThrownBy(() -> WebhookRefusal.respond(exchange(), META, Verification.accepted("meta")))
                .hasMessage("verification was accepted: meta");
    }
}
