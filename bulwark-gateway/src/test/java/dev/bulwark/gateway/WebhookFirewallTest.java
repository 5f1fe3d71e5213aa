package dev.bulwark.gateway;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.idempotency.IdempotencyConfig;
import dev.bulwark.core.webhook.VerifierConfig;
import dev.bulwark.core.webhook.WebhookConfig;
import dev.bulwark.core.webhook.WebhookSigner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The webhook firewall through the real gateway: every preset's deliveries verified over the exact bytes and
 * forwarded unchanged, forgeries refused before the backend, duplicates answered without forwarding, and
 * client {@code Idempotency-Key} replay.
 */
class WebhookFirewallTest {

    private static final String HMAC_SECRET = "sEcReT-hmac-current-3f1e6a9b2c7d48e5a0b9";
    private static final String HMAC_PREVIOUS = "sEcReT-hmac-previous-9a8b7c6d5e4f3021";
    private static final String TOKEN = "sEcReT-tg_current_9f8e7d6c5b4a";
    private static final String TOKEN_PREVIOUS = "sEcReT-tg_previous_1a2b3c4d5e6f";
    private static final String VERIFY_TOKEN = "sEcReT-verify-token-0123456789";
    // Base64 has no '-', so a whsec_ key cannot carry the log-audit marker; it is derived from one instead.
    private static final String WHSEC = "whsec_" + Base64.getEncoder().encodeToString(
            "sEcReT-standard-webhooks-key-0123".getBytes(StandardCharsets.UTF_8));
    private static final String WHSEC_PREVIOUS = "whsec_" + Base64.getEncoder().encodeToString(
            "sEcReT-standard-webhooks-old-4567".getBytes(StandardCharsets.UTF_8));

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        BulwarkConfig.Builder config = GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .upstream("down", UpstreamConfig.builder().url("http://127.0.0.1:1")
                        .connectTimeout(Duration.ofSeconds(1)).responseTimeout(Duration.ofSeconds(1)))
                .upstream("slow", UpstreamConfig.builder().url(upstream.url())
                        .connectTimeout(Duration.ofSeconds(1)).responseTimeout(Duration.ofMillis(300)));
        for (String preset : WebhookSigner.PRESETS) {
            config.route(RouteConfig.builder(preset).path("/hooks/" + preset + "/{tenant}").upstream("backend")
                    .webhook(new WebhookConfig(verifier(preset), keyed(preset))));
        }
        config.route(RouteConfig.builder("down").path("/hooks/down").upstream("down")
                .webhook(new WebhookConfig(verifier("github"), null)));
        config.route(RouteConfig.builder("slow").path("/hang").upstream("slow")
                .webhook(new WebhookConfig(verifier("github"), null)));
        config.route(RouteConfig.builder("hmac").path("/hooks/hmac/{tenant}").upstream("backend")
                .webhook(new WebhookConfig(partnerVerifier(List.of(HMAC_SECRET, HMAC_PREVIOUS)), new IdempotencyConfig(true, "X-Partner-Delivery", null))));
        config.route(RouteConfig.builder("failing-webhook").path("/fail").upstream("backend")
                .webhook(new WebhookConfig(verifier("github"), null)));
        config.route(RouteConfig.builder("failing-orders").path("/fail/orders").upstream("backend")
                .idempotency(IdempotencyConfig.DEFAULTS));
        config.route(RouteConfig.builder("orders").path("/orders").upstream("backend")
                .idempotency(IdempotencyConfig.DEFAULTS));
        config.route(RouteConfig.builder("gate").path("/gate").upstream("backend")
                .idempotency(IdempotencyConfig.DEFAULTS));
        gateway = Gateway.start(config.build());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static VerifierConfig verifier(String preset) {
        List<String> hmac = List.of(HMAC_SECRET, HMAC_PREVIOUS);
        return switch (preset) {
            case "meta" -> new VerifierConfig.Meta(hmac, List.of(VERIFY_TOKEN));
            case "github" -> new VerifierConfig.GitHub(hmac);
            case "telegram" -> new VerifierConfig.Telegram(List.of(TOKEN, TOKEN_PREVIOUS));
            case "apikey" -> new VerifierConfig.ApiKey("x-evolution-apikey", List.of(TOKEN, TOKEN_PREVIOUS));
            case "standard-webhooks" -> new VerifierConfig.StandardWebhooks(List.of(WHSEC, WHSEC_PREVIOUS), null);
            case "stripe" -> new VerifierConfig.Stripe(hmac, null);
            case "slack" -> new VerifierConfig.Slack(hmac, null);
            default -> throw new IllegalArgumentException(preset);
        };
    }

    /**
     * A provider without a preset: HMAC-SHA512, base64 with a prefix, over {@code timestamp.id.body}, with a
     * millisecond timestamp and a 5 minute window.
     */
    private static VerifierConfig.Hmac partnerVerifier(List<String> secrets) {
        return new VerifierConfig.Hmac("partner", secrets, "X-Partner-Signature",
                VerifierConfig.Hmac.Algorithm.SHA512, VerifierConfig.Hmac.Encoding.BASE64, "sha512=",
                "{timestamp}.{id}.{body}", "X-Partner-Timestamp", VerifierConfig.Hmac.TimestampUnit.MILLISECONDS,
                Duration.ofMinutes(5), "X-Partner-Delivery");
    }

    /** Signs as the partner's documentation would describe it, independently of the gateway's code. */
    private static Map<String, String> partnerHeaders(String secret, byte[] body, String id, Instant time)
            throws Exception {
        String millis = Long.toString(time.toEpochMilli());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA512");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        mac.update((millis + "." + id + ".").getBytes(StandardCharsets.UTF_8));
        String signature = "sha512=" + Base64.getEncoder().encodeToString(mac.doFinal(body));
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("X-Partner-Signature", signature);
        headers.put("X-Partner-Timestamp", millis);
        headers.put("X-Partner-Delivery", id);
        return headers;
    }

    /** Every route de-duplicates on {@code $.id} unless the preset has a header id. */
    private static IdempotencyConfig keyed(String preset) {
        return switch (preset) {
            case "standard-webhooks" -> IdempotencyConfig.DEFAULTS;
            case "github" -> new IdempotencyConfig(true, "X-GitHub-Delivery", null);
            default -> new IdempotencyConfig(true, "$.id", null);
        };
    }

    private static String secret(String preset, boolean previous) {
        return switch (preset) {
            case "telegram", "apikey" -> previous ? TOKEN_PREVIOUS : TOKEN;
            case "standard-webhooks" -> previous ? WHSEC_PREVIOUS : WHSEC;
            default -> previous ? HMAC_PREVIOUS : HMAC_SECRET;
        };
    }

    private static Map<String, String> sign(String preset, String secret, byte[] body, String id, Instant time) {
        return WebhookSigner.sign(preset, secret, body, id, time, "x-evolution-apikey");
    }

    /** Signed now with the preset's current secret, as the provider would. */
    private static Map<String, String> signed(String preset, byte[] body, String id) {
        return sign(preset, secret(preset, false), body, id, Instant.now());
    }

    /** A genuine GitHub delivery's headers, delivery id included, for routes outside {@code /hooks/github}. */
    private static Map<String, String> githubDelivery(byte[] body, String id) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(sign("github", HMAC_SECRET, body, id,
                Instant.now()));
        headers.put("X-GitHub-Delivery", id);
        return headers;
    }

    /** The same event with one amount changed, as an attacker in the middle would. */
    private static byte[] tampered(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).replace("1.50", "9.50").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> deliver(String preset, String id, byte[] body, Map<String, String> headers)
            throws Exception {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        if (preset.equals("github")) {
            all.put("X-GitHub-Delivery", id);
        }
        return post("/hooks/" + preset + "/t1", all, body);
    }

    private static byte[] event(String id) {
        // Odd spacing and a non-ASCII character: any re-serialisation would change the bytes and the hash.
        return ("{ \"id\" :\"" + id + "\",  \"text\":\"olá\\u0021\" ,\"n\":1.50}").getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void drain() throws InterruptedException {
        while (!upstream.nothingReceived()) {
            upstream.next();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "telegram", "apikey", "standard-webhooks", "stripe", "slack"})
    void genuineDeliveryIsForwardedByteForByte(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);

        HttpResponse<String> response = deliver(preset, id, body, signed(preset, body, id));

        assertThat(response.statusCode()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.path()).isEqualTo("/hooks/" + preset + "/t1");
        assertThat(received.bodyBytes()).isEqualTo(body.length);
        assertThat(received.sha256()).isEqualTo(sha256(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "telegram", "apikey", "standard-webhooks", "stripe", "slack"})
    void deliverySignedWithTheRotatedOutSecretIsStillAccepted(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);

        HttpResponse<String> response = deliver(preset, id, body, sign(preset, secret(preset, true), body, id,
                Instant.now()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.next().sha256()).isEqualTo(sha256(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "standard-webhooks", "stripe", "slack"})
    void tamperedBodyIsRefusedWithoutReachingTheBackend(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);
        Map<String, String> headers = signed(preset, body, id);

        HttpResponse<String> response = deliver(preset, id, tampered(body), headers);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("urn:bulwark:problem:webhook-signature-invalid")
                .contains("webhook verification failed");
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "telegram", "apikey", "standard-webhooks", "stripe", "slack"})
    void wrongSecretMissingHeaderAndMalformedHeaderAllGetTheSameRefusal(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);
        String forgedSecret = preset.equals("standard-webhooks")
                ? "whsec_" + Base64.getEncoder().encodeToString("sEcReT-forged-key-not-configured".getBytes())
                : "sEcReT-forged_not_configured_0000";
        int status = preset.equals("telegram") || preset.equals("apikey") ? 403 : 401;

        HttpResponse<String> wrong = deliver(preset, id, body, sign(preset, forgedSecret, body, id, Instant.now()));
        HttpResponse<String> missing = deliver(preset, id, body, Map.of());
        Map<String, String> malformed = new java.util.LinkedHashMap<>();
        signed(preset, body, id)
                .forEach((name, value) -> malformed.put(name, value.substring(0, value.length() / 2) + "%%"));
        HttpResponse<String> garbled = deliver(preset, id, body, malformed);

        for (HttpResponse<String> response : List.of(wrong, missing, garbled)) {
            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.body()).contains("webhook verification failed")
                    .doesNotContain("sEcReT-").doesNotContain("mismatch").doesNotContain("missing");
        }
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard-webhooks", "stripe", "slack"})
    void oldAndFutureTimestampsAreRefusedAsReplays(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);

        HttpResponse<String> old = deliver(preset, id, body, sign(preset, secret(preset, false), body, id,
                Instant.now().minus(Duration.ofMinutes(6))));
        HttpResponse<String> future = deliver(preset, id, body, sign(preset, secret(preset, false), body, id,
                Instant.now().plus(Duration.ofMinutes(6))));

        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(future.statusCode()).isEqualTo(401);
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "telegram", "apikey", "standard-webhooks", "stripe", "slack"})
    void duplicateDeliveryIsAnsweredWithoutForwarding(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);
        Map<String, String> headers = signed(preset, body, id);

        HttpResponse<String> first = deliver(preset, id, body, headers);
        upstream.next();
        HttpResponse<String> second = deliver(preset, id, body, headers);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"status\":\"duplicate_ignored\"");
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(gateway.meterRegistry().scrape())
                .contains("webhook_security_events_total{event_type=\"delivery\",provider=\""
                        + (preset.equals("standard-webhooks") ? "standard-webhooks" : preset)
                        + "\",result=\"duplicate\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "telegram", "apikey", "standard-webhooks", "stripe", "slack", "hmac"})
    void eightConcurrentCopiesOfADeliveryReachTheBackendExactlyOnce(String preset) throws Exception {
        drain();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);
        Map<String, String> headers = new java.util.LinkedHashMap<>(preset.equals("hmac")
                ? partnerHeaders(HMAC_SECRET, body, id, Instant.now())
                : signed(preset, body, id));
        if (preset.equals("github")) {
            headers.put("X-GitHub-Delivery", id);
        }
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.baseUri().resolve("/hooks/" + preset + "/t1"))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            sent.add(CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
        }
        long duplicates = 0;
        for (CompletableFuture<HttpResponse<String>> response : sent) {
            HttpResponse<String> answered = response.get(20, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            duplicates += answered.body().contains("duplicate_ignored") ? 1 : 0;
        }

        assertThat(duplicates).isEqualTo(7);
        upstream.next();
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void unreachableBackendReleasesTheKeySoTheRetryIsForwardedAgain() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = event(id);
        Map<String, String> headers = githubDelivery(body, id);

        HttpResponse<String> first = post("/hooks/down", headers, body);
        HttpResponse<String> retry = post("/hooks/down", headers, body);

        assertThat(first.statusCode()).isEqualTo(502);
        assertThat(retry.statusCode()).isEqualTo(502);
        assertThat(retry.body()).doesNotContain("duplicate_ignored");
    }

    @Test
    void backendTimeoutReleasesTheKey() throws Exception {
        drain();
        String id = UUID.randomUUID().toString();
        byte[] body = event(id);
        Map<String, String> headers = githubDelivery(body, id);

        HttpResponse<String> first = post("/hang", headers, body);
        HttpResponse<String> retry = post("/hang", headers, body);

        assertThat(first.statusCode()).isEqualTo(504);
        assertThat(retry.statusCode()).isEqualTo(504);
        upstream.next();
        upstream.next();
    }

    @Test
    void metaSubscriptionHandshakeEchoesTheChallengeOnlyForTheRightToken() throws Exception {
        drain();
        HttpResponse<String> good = CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(
                "/hooks/meta/t1?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=1158201444"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bad = CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(
                "/hooks/meta/t1?hub.mode=subscribe&hub.verify_token=sEcReT-wrong-token&hub.challenge=1158201444"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).isEqualTo("1158201444");
        assertThat(good.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(bad.body()).doesNotContain("1158201444");
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void oversizedDeliveryIsRefusedWith413BeforeVerification() throws Exception {
        drain();
        byte[] body = new byte[2 * 1024 * 1024 + 1];
        HttpResponse<String> response = deliver("telegram", "x", body, Map.of("X-Telegram-Bot-Api-Secret-Token", TOKEN));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void idempotencyKeyReplaysTheFirstResponseAndRefusesADifferentBody() throws Exception {
        drain();
        String key = "order-" + UUID.randomUUID();
        byte[] body = "{\"sku\":\"A-1\",\"qty\":2}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> first = post("/orders", Map.of("Idempotency-Key", key), body);
        HttpResponse<String> repeat = post("/orders", Map.of("Idempotency-Key", key), body);
        HttpResponse<String> changed = post("/orders", Map.of("Idempotency-Key", key),
                "{\"sku\":\"A-1\",\"qty\":3}".getBytes(StandardCharsets.UTF_8));

        assertThat(first.statusCode()).isEqualTo(200);
        upstream.next();
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(repeat.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(changed.statusCode()).isEqualTo(422);
        assertThat(changed.body()).contains("urn:bulwark:problem:idempotency-key-reused");
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void repeatWhileTheFirstIsInFlightGets409() throws Exception {
        drain();
        String key = "pay-" + UUID.randomUUID();
        byte[] body = "{\"amount\":100}".getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.baseUri().resolve("/gate"))
                .timeout(Duration.ofSeconds(20)).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString());
        upstream.next();

        HttpResponse<String> second = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        upstream.openGate();

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).contains("urn:bulwark:problem:idempotency-request-in-progress");
        assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void webhookConfigErrorsNameTheKeyPath() {
        String yaml = """
                mode: production
                server: { host: 127.0.0.1, port: 0 }
                upstreams: { app: { url: "http://127.0.0.1:9" } }
                routes:
                  - id: ok
                    match: { path: /a }
                    upstream: app
                  - id: hook
                    match: { path: /hooks/meta }
                    upstream: app
                    webhook:
                      preset: meta
                      secrets: ["sEcReT-strong-secret-0123456789abcdefXYZ", "demo-secret"]
                      verifyTokens: ["${VERIFY:-sEcReT-verify-token-0123456789}"]
                """;
        BulwarkConfig config = ConfigLoader.parse(yaml, "test.yaml", name -> null);

        assertThatThrownBy(() -> Gateway.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[1].webhook.secrets[1]")
                .hasMessageNotContaining("demo-secret");
    }

    @Test
    void genericHmacDeliveryIsVerifiedForwardedByteForByteAndDeduplicated() throws Exception {
        drain();
        String id = "dlv_" + UUID.randomUUID();
        byte[] body = event(id);
        Map<String, String> headers = partnerHeaders(HMAC_SECRET, body, id, Instant.now());

        HttpResponse<String> first = post("/hooks/hmac/t1", headers, body);
        TestUpstream.Received received = upstream.next();
        HttpResponse<String> again = post("/hooks/hmac/t1", headers, body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(received.sha256()).isEqualTo(sha256(body));
        assertThat(received.header("X-Partner-Signature")).isEqualTo(headers.get("X-Partner-Signature"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"status\":\"duplicate_ignored\"").contains("\"provider\":\"partner\"");
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(gateway.meterRegistry().scrape()).contains(
                "webhook_security_events_total{event_type=\"delivery\",provider=\"partner\",result=\"duplicate\"}");
    }

    @Test
    void genericHmacAcceptsTheRotatedSecretAndRefusesForgeriesAndReplays() throws Exception {
        drain();
        String id = "dlv_" + UUID.randomUUID();
        byte[] body = event(id);
        Map<String, String> otherId = partnerHeaders(HMAC_SECRET, body, id, Instant.now());
        otherId.put("X-Partner-Delivery", "dlv_other");

        List<HttpResponse<String>> refused = List.of(
                post("/hooks/hmac/t1", partnerHeaders(HMAC_SECRET, body, id, Instant.now()), tampered(body)),
                post("/hooks/hmac/t1", partnerHeaders("sEcReT-forged-partner-secret-000000", body, id, Instant.now()),
                        body),
                post("/hooks/hmac/t1", otherId, body),
                post("/hooks/hmac/t1", partnerHeaders(HMAC_SECRET, body, id, Instant.now().minus(Duration.ofMinutes(6))),
                        body),
                post("/hooks/hmac/t1", partnerHeaders(HMAC_SECRET, body, id, Instant.now().plus(Duration.ofMinutes(6))),
                        body),
                post("/hooks/hmac/t1", Map.of(), body));
        HttpResponse<String> rotated = post("/hooks/hmac/t1", partnerHeaders(HMAC_PREVIOUS, body, id, Instant.now()),
                body);

        assertThat(refused).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("urn:bulwark:problem:webhook-signature-invalid")
                    .doesNotContain("sEcReT-");
        });
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(upstream.next().sha256()).isEqualTo(sha256(body));
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void genericHmacRouteLoadedFromYamlVerifiesDeliveries() throws Exception {
        String yaml = """
                server: { host: 127.0.0.1, port: 0 }
                upstreams: { app: { url: "%s" } }
                routes:
                  - id: partner
                    match: { path: "/api/webhooks/partner", methods: [POST] }
                    upstream: app
                    webhook:
                      preset: hmac
                      provider: partner
                      header: X-Partner-Signature
                      algorithm: SHA512
                      encoding: BASE64
                      prefix: "sha512="
                      signedContent: "{timestamp}.{id}.{body}"
                      timestampHeader: X-Partner-Timestamp
                      timestampUnit: MILLISECONDS
                      tolerance: 5m
                      idHeader: X-Partner-Delivery
                      secrets: ["${PARTNER_SECRET}", "${PARTNER_SECRET_PREVIOUS:-}"]
                      idempotency: { key: X-Partner-Delivery, ttl: 48h }
                """.formatted(upstream.url());
        BulwarkConfig config = ConfigLoader.parse(yaml, "partner.yaml",
                name -> name.equals("PARTNER_SECRET") ? HMAC_SECRET : null);
        assertThat(config.routes().get(0).webhook().verifier()).isEqualTo(partnerVerifier(List.of(HMAC_SECRET)));
        assertThat(config.routes().get(0).webhook().idempotency())
                .isEqualTo(new IdempotencyConfig(true, "X-Partner-Delivery", Duration.ofHours(48)));
        drain();
        String id = "dlv_" + UUID.randomUUID();
        byte[] body = event(id);

        try (Gateway partner = Gateway.start(config)) {
            HttpRequest.Builder request = HttpRequest.newBuilder(partner.baseUri().resolve("/api/webhooks/partner"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            partnerHeaders(HMAC_SECRET, body, id, Instant.now()).forEach(request::header);
            HttpResponse<String> genuine = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> duplicate = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(genuine.statusCode()).isEqualTo(200);
            assertThat(upstream.next().sha256()).isEqualTo(sha256(body));
            assertThat(duplicate.body()).contains("duplicate_ignored");
            assertThat(upstream.nothingReceived()).isTrue();
        }
    }

    @Test
    void genericHmacYamlErrorsNameTheKey() {
        String yaml = """
                upstreams: { app: { url: "http://127.0.0.1:9" } }
                routes:
                  - id: partner
                    match: { path: /hooks/partner }
                    upstream: app
                    webhook:
                      preset: hmac
                      header: X-Partner-Signature
                      algorithm: MD5
                      encoding: BASE64
                      signedContent: "{timestamp}.{body}"
                      secrets: ["sEcReT-partner-secret-0123456789abcdef"]
                """;

        assertThatThrownBy(() -> Gateway.start(ConfigLoader.parse(yaml, "partner.yaml", name -> null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].webhook.algorithm")
                .hasMessageNotContaining("sEcReT-");
        String noTimestampHeader = yaml.replace("algorithm: MD5", "algorithm: SHA256");
        assertThatThrownBy(() -> Gateway.start(ConfigLoader.parse(noTimestampHeader, "partner.yaml", name -> null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].webhook.timestampHeader");
    }

    @Test
    void backendAnswering500ReleasesTheKeySoTheProvidersRetryIsForwarded() throws Exception {
        drain();
        String id = UUID.randomUUID().toString();
        byte[] body = event(id);
        Map<String, String> headers = githubDelivery(body, id);

        HttpResponse<String> first = post("/fail", headers, body);
        TestUpstream.Received firstReceived = upstream.next();
        HttpResponse<String> retry = post("/fail", headers, body);
        TestUpstream.Received retryReceived = upstream.next();

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(retry.statusCode()).isEqualTo(500);
        assertThat(retry.body()).doesNotContain("duplicate_ignored");
        assertThat(retryReceived.sha256()).isEqualTo(firstReceived.sha256()).isEqualTo(sha256(body));
        assertThat(gateway.meterRegistry().scrape()).contains(
                "webhook_security_events_total{event_type=\"delivery\",provider=\"github\",result=\"released\"}");
    }

    @Test
    void idempotencyKeyIsNotStoredAfterA500SoTheClientsRetryRunsAgain() throws Exception {
        drain();
        String key = "pay-" + UUID.randomUUID();
        byte[] body = "{\"amount\":100}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> first = post("/fail/orders", Map.of("Idempotency-Key", key), body);
        upstream.next();
        HttpResponse<String> retry = post("/fail/orders", Map.of("Idempotency-Key", key), body);
        upstream.next();

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(retry.statusCode()).as("executed again: neither replayed nor 409").isEqualTo(500);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void refusalsAfterTheBodyWasReadAreAnsweredOverHttp2() throws Exception {
        drain();
        java.net.http.HttpClient http2 = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = event(id);
        String key = "order-" + UUID.randomUUID();
        List<HttpResponse<String>> responses = new ArrayList<>();
        // The first request upgrades the connection (h2c), the later ones travel as HTTP/2 streams.
        for (Map.Entry<String, Map<String, String>> attempt : List.of(
                Map.entry("/hooks/telegram/t1", Map.of("X-Telegram-Bot-Api-Secret-Token", "sEcReT-wrong_token")),
                Map.entry("/hooks/meta/t1", sign("meta", "sEcReT-forged_not_configured_0000", body, id, Instant.now())),
                Map.entry("/orders", Map.of("Idempotency-Key", key)))) {
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.baseUri().resolve(attempt.getKey()))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            attempt.getValue().forEach(request::header);
            responses.add(http2.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        }
        upstream.next();
        HttpRequest reused = HttpRequest.newBuilder(gateway.baseUri().resolve("/orders")).timeout(Duration.ofSeconds(10))
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{\"other\":true}")).build();
        responses.add(http2.send(reused, HttpResponse.BodyHandlers.ofString()));

        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(403, 401, 200, 422);
        assertThat(responses.get(3).version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void unknownWebhookKeysAndPresetsAreRefusedByTheLoader() {
        String yaml = """
                mode: development
                upstreams: { app: { url: "http://127.0.0.1:9" } }
                routes:
                  - id: hook
                    match: { path: /hooks/x }
                    upstream: app
                    webhook: { preset: telegram, secrets: [abc], tolerence: 5m }
                  - id: hook2
                    match: { path: /hooks/y }
                    upstream: app
                    webhook: { preset: paypal, secrets: [abc] }
                """;

        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test.yaml", name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].webhook.tolerence")
                .hasMessageContaining("routes[1].webhook.preset");
    }
}
