package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.webhook.Verification.Cause;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The providers' own published examples, and Ed25519 deliveries signed with a freshly generated key. */
class PublishedVectorsTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // Standard Webhooks specification, "Verifying webhooks" example.
    private static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final String SW_TIMESTAMP = "1614265330";
    private static final byte[] SW_BODY = utf8("{\"test\": 2432232314}");
    private static final String SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant SW_NOW = Instant.ofEpochSecond(1614265330);

    private static Headers standardWebhooks(String signature) {
        return Headers.create().set("webhook-id", SW_ID).set("webhook-timestamp", SW_TIMESTAMP)
                .set("webhook-signature", signature);
    }

    private static WebhookVerifier swVerifier(String... secrets) {
        return WebhookVerifiers.create(new VerifierConfig.StandardWebhooks(List.of(secrets), null), Mode.PRODUCTION);
    }

    @Test
    void standardWebhooksPublishedExampleIsAccepted() {
        assertThat(swVerifier(SW_SECRET).verify(standardWebhooks(SW_SIGNATURE), SW_BODY, SW_NOW).ok())
                .isTrue();
    }

    @Test
    void standardWebhooksExampleIsAcceptedAmongSeveralSignaturesAndUnknownVersions() {
        String header = "v1,Zm9yZ2VkLXNpZ25hdHVyZS1vZi10aGlydHktdHdvLWI= v2,c29tZXRoaW5nLW5ldw== " + SW_SIGNATURE;

        assertThat(swVerifier(SW_SECRET).verify(standardWebhooks(header), SW_BODY, SW_NOW).ok()).isTrue();
    }

    @Test
    void standardWebhooksExampleIsRefusedWhenTheIdIsChanged() {
        Headers headers = standardWebhooks(SW_SIGNATURE).set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJel");

        assertThat(swVerifier(SW_SECRET).verify(headers, SW_BODY, SW_NOW).cause())
                .isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    @Test
    void standardWebhooksExampleIsAReplayTenMinutesLater() {
        assertThat(swVerifier(SW_SECRET).verify(standardWebhooks(SW_SIGNATURE), SW_BODY,
                SW_NOW.plusSeconds(600)).cause()).isEqualTo(Cause.TIMESTAMP_OUT_OF_WINDOW);
    }

    @Test
    void ed25519SignatureFromAGeneratedKeyIsAccepted() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String signature = "v1a," + ed25519(pair, SW_ID + "." + SW_TIMESTAMP + ".", SW_BODY);

        WebhookVerifier verifier = swVerifier(SW_SECRET, publicKey(pair));

        assertThat(verifier.verify(standardWebhooks(signature), SW_BODY, SW_NOW).ok()).isTrue();
        assertThat(verifier.verify(standardWebhooks(signature), utf8("{\"test\": 2432232315}"), SW_NOW).cause())
                .isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    @Test
    void ed25519SignatureFromAnotherKeyIsRefused() throws Exception {
        KeyPair trusted = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair attacker = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String signature = "v1a," + ed25519(attacker, SW_ID + "." + SW_TIMESTAMP + ".", SW_BODY);

        assertThat(swVerifier(publicKey(trusted)).verify(standardWebhooks(signature), SW_BODY, SW_NOW).cause())
                .isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    @Test
    void hmacSignatureIsNotAcceptedByAnEd25519OnlyVerifier() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertThat(swVerifier(publicKey(pair)).verify(standardWebhooks(SW_SIGNATURE), SW_BODY, SW_NOW).cause())
                .isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    private static String publicKey(KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        return "whpk_" + Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    private static String ed25519(KeyPair pair, String prefix, byte[] body) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(utf8(prefix));
        signer.update(body);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    @Test
    void gitHubDocumentationExampleIsAccepted() {
        // docs.github.com, "Validating webhook deliveries": secret, payload and signature as published.
        WebhookVerifier github = WebhookVerifiers.create(
                new VerifierConfig.GitHub(List.of("It's a Secret to Everybody")), Mode.DEVELOPMENT);
        Headers headers = Headers.create().set("X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

        assertThat(github.verify(headers, utf8("Hello, World!"), Instant.EPOCH).ok()).isTrue();
        assertThat(github.verify(headers, utf8("Hello, World?"), Instant.EPOCH).cause())
                .isEqualTo(Cause.SIGNATURE_MISMATCH);
    }

    @Test
    void slackDocumentationExampleIsAccepted() {
        // api.slack.com, "Verifying requests from Slack": the slash-command example.
        WebhookVerifier slack = WebhookVerifiers.create(
                new VerifierConfig.Slack(List.of("8f742231b10e8888abcd99yyyzzz85a5"), null), Mode.DEVELOPMENT);
        byte[] body = utf8("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
                + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
                + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
                + "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
        Headers headers = Headers.create().set("X-Slack-Request-Timestamp", "1531420618")
                .set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");

        assertThat(slack.verify(headers, body, Instant.ofEpochSecond(1531420618)).ok()).isTrue();
        assertThat(slack.verify(headers, body, Instant.ofEpochSecond(1531420618 + 301)).cause())
                .isEqualTo(Cause.TIMESTAMP_OUT_OF_WINDOW);
    }

    @Test
    void stripeHeaderWithSeveralV1SignaturesIsAcceptedWhenAnyMatches() {
        String secret = "whsec_5f0c9a2b7e4d1c8f3a6b9e2d5c8f1a4b";
        byte[] body = utf8("{\"id\":\"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\"object\":\"event\"}");
        String good = Deliveries.hex("HmacSHA256", secret, Deliveries.concat("1700000000.", body));
        Headers headers = Headers.create().set("Stripe-Signature",
                "t=1700000000,v1=" + "0".repeat(64) + ",v1=" + good + ",v0=" + "1".repeat(64));
        WebhookVerifier stripe = WebhookVerifiers.create(new VerifierConfig.Stripe(List.of(secret), null),
                Mode.PRODUCTION);

        assertThat(stripe.verify(headers, body, Instant.ofEpochSecond(1700000000)).ok()).isTrue();
    }
}
