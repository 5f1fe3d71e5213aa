package dev.bulwark.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.routing.RouteCompiler;
import dev.bulwark.gateway.cli.BulwarkCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Walks the README's demo tour against a real demo (gateway and backend on free loopback ports). */
class DemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String META_APP_SECRET = "sEcReT-demo-test-meta-app-secret-0123456789";
    private static final String META_VERIFY_TOKEN = "sEcReT-demo-test-verify-token-0123";
    private static final String TELEGRAM_SECRET = "sEcReT-demo-test_telegram_0123456789";
    private static final String EVOLUTION_APIKEY = "sEcReT-demo-test-evolution-apikey-0123";
    private static final String ADMIN_EMAIL = "owner@shop.test";
    private static final String ADMIN_PASSWORD = "sEcReT-demo-admin-passphrase-2024";
    /** The demo's webhook secrets, set as a user would set the environment variables. */
    private static final Function<String, String> SECRETS = Map.of(
            "BULWARK_DEMO_META_APP_SECRET", META_APP_SECRET,
            "BULWARK_DEMO_META_VERIFY_TOKEN", META_VERIFY_TOKEN,
            "BULWARK_DEMO_TELEGRAM_SECRET", TELEGRAM_SECRET,
            "BULWARK_DEMO_EVOLUTION_APIKEY", EVOLUTION_APIKEY,
            Demo.ADMIN_EMAIL_VARIABLE, ADMIN_EMAIL,
            Demo.ADMIN_PASSWORD_VARIABLE, ADMIN_PASSWORD)::get;

    @TempDir
    static Path temp;

    private static Demo demo;
    private static Path dataDir;
    /** The first admin's access token; protected routes of the tour need one. */
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        dataDir = temp.resolve("bulwark-data");
        demo = Demo.start(0, 0, dataDir, SECRETS);
        token = login(demo).path("accessToken").asText();
    }

    private static JsonNode login(Demo target) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(target.gatewayUri() + "/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + ADMIN_EMAIL + "\",\"password\":\""
                        + ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void healthIsProxiedWithARequestIdAndSecurityHeadersAndWithoutBackendDetails() throws Exception {
        HttpResponse<String> response = get("/api/health", Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).isNotBlank());
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(response.headers().firstValue("X-Powered-By")).isEmpty();
        assertThat(response.headers().allValues("Server")).noneMatch(server -> server.contains("demo-backend"));
        assertThat(response.headers().firstValue("Strict-Transport-Security"))
                .as("HSTS is only sent over TLS").isEmpty();
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("service").asText()).isEqualTo("demo-backend");
        assertThat(echo.path("status").asText()).isEqualTo("up");
    }

    @Test
    void backendReceivesTheRequestIdAndForwardedHeaders() throws Exception {
        HttpResponse<String> response = get("/api/orders/42?expand=items", Map.of("X-Request-Id", "tour-1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("tour-1");
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("path").asText()).isEqualTo("/api/orders/42");
        assertThat(echo.path("query").asText()).isEqualTo("expand=items");
        assertThat(header(echo, "X-Request-Id")).isEqualTo("tour-1");
        assertThat(header(echo, "X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(header(echo, "X-Forwarded-Proto")).isEqualTo("http");
        assertThat(header(echo, "X-Forwarded-Host")).startsWith("localhost");
    }

    @Test
    void aForgedRequestIdIsReplacedBeforeTheBackendSeesIt() throws Exception {
        String forged = "x".repeat(500);

        HttpResponse<String> response = get("/api/products", Map.of("X-Request-Id", forged));

        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).isNotEqualTo(forged);
        assertThat(header(JSON.readTree(response.body()), "X-Request-Id")).isEqualTo(id);
    }

    @Test
    void pathTraversalIsRefusedWithAProblemBody() throws Exception {
        RawResponse response = raw("GET /api/../../etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:bulwark:problem:path-traversal");
        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("requestId").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("passwd");
    }

    @Test
    void aScannersUserAgentIsRefusedBeforeAnyTokenCheck() throws Exception {
        RawResponse response = raw("GET /api/products HTTP/1.1\r\nHost: localhost\r\n"
                + "User-Agent: sqlmap/1.8.4#stable (https://sqlmap.org)\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:scanner-detected");
        assertThat(response.body()).doesNotContain("sqlmap");
    }

    @Test
    void encodedSlashesCannotSmuggleATraversalPastTheRoutes() throws Exception {
        RawResponse response = raw("GET /api/products/..%2f..%2fadmin HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:path-traversal");
    }

    @Test
    void preflightFromTheDashboardOriginIsAnsweredAtTheEdge() throws Exception {
        HttpResponse<String> response = preflight("http://localhost:3000");

        assertThat(response.statusCode()).isIn(200, 204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:3000");
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
                .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));
    }

    @Test
    void preflightFromASubdomainOfTheAllowedPatternIsAnswered() throws Exception {
        HttpResponse<String> response = preflight("https://shop.example.com");

        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.com");
    }

    @Test
    void preflightFromAnUnknownOriginIsRefusedWithoutCorsHeaders() throws Exception {
        HttpResponse<String> response = preflight("https://evil.test");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(JSON.readTree(response.body()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:cors-origin-denied");
    }

    @Test
    void theApexOfTheWildcardOriginIsNotAllowed() throws Exception {
        assertThat(preflight("https://example.com").statusCode()).isEqualTo(403);
    }

    @Test
    void webhookWithinTheLimitReachesTheBackendIntact() throws Exception {
        byte[] body = new byte[1024 * 1024];
        Arrays.fill(body, (byte) 'a');

        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri("/api/webhooks/orders"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("bodyLength").asLong()).isEqualTo(body.length);
        assertThat(echo.path("bodySha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    }

    @Test
    void webhookOverTwoMegabytesIsRefusedWith413() throws Exception {
        RawResponse response = raw("POST /api/webhooks/orders HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 3000000\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:body-too-large");
    }

    @Test
    void unknownRouteIsA404Problem() throws Exception {
        HttpResponse<String> response = get("/internal/debug", Map.of());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:bulwark:problem:route-not-found");
        assertThat(problem.path("service").isMissingNode()).as("the backend was not asked").isTrue();
    }

    @Test
    void unknownHostIsRefused() throws Exception {
        RawResponse response = raw("GET /api/health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(421);
        assertThat(JSON.readTree(response.body()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:host-not-allowed");
    }

    @Test
    void chatWebSocketIsProxiedBothWays() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = CLIENT.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create("ws://localhost:" + demo.gateway().port() + "/api/chat"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                reply.complete(data.toString());
                                return null;
                            }
                        })
                .get(5, TimeUnit.SECONDS);

        socket.sendText("is my order shipped?", true).get(5, TimeUnit.SECONDS);

        assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("is my order shipped?");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void healthEndpointsAndMetricsAreServed() throws Exception {
        get("/api/health", Map.of());
        preflight("https://evil.test");

        assertThat(get("/_bulwark/health/live", Map.of()).statusCode()).isEqualTo(200);
        assertThat(get("/_bulwark/health/ready", Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/_bulwark/metrics", Map.of());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_requests_total").contains("security_events_total");
    }

    @Test
    void tourDeliverySignedWithTheCliIsForwardedOnceThenAnsweredAsADuplicate() throws Exception {
        byte[] body = Demo.TOUR_DELIVERY.getBytes(StandardCharsets.UTF_8);
        Map<String, String> signed = sign("--preset", "meta", "--secret", META_APP_SECRET, "--body",
                Files.write(temp.resolve("delivery.json"), body).toString());

        HttpResponse<String> first = post("/api/webhooks/whatsapp/shop-1", signed, body);
        HttpResponse<String> again = post("/api/webhooks/whatsapp/shop-1", signed, body);

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode echo = JSON.readTree(first.body());
        assertThat(echo.path("path").asText()).isEqualTo("/api/webhooks/whatsapp/shop-1");
        assertThat(echo.path("bodySha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode duplicate = JSON.readTree(again.body());
        assertThat(duplicate.path("status").asText()).isEqualTo("duplicate_ignored");
        assertThat(duplicate.path("provider").asText()).isEqualTo("meta");
        assertThat(duplicate.path("service").isMissingNode()).as("the backend was not asked").isTrue();
        assertThat(get("/_bulwark/metrics", Map.of()).body())
                .contains("webhook_security_events_total{event_type=\"delivery\",provider=\"meta\",result=\"accepted\"}")
                .contains("webhook_security_events_total{event_type=\"delivery\",provider=\"meta\",result=\"duplicate\"}");
    }

    @Test
    void deliverySignedWithAnotherSecretIsRefusedWith401() throws Exception {
        byte[] body = Demo.TOUR_DELIVERY.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forged = sign("--preset", "meta", "--secret", "sEcReT-not-the-app-secret-0000",
                "--body", Files.write(temp.resolve("forged.json"), body).toString());

        HttpResponse<String> response = post("/api/webhooks/whatsapp/shop-1", forged, body);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:bulwark:problem:webhook-signature-invalid");
        assertThat(problem.path("service").isMissingNode()).as("the backend was not asked").isTrue();
        assertThat(response.body()).doesNotContain("sEcReT-");
    }

    @Test
    void metaSubscriptionHandshakeEchoesTheChallengeOnlyForTheVerifyToken() throws Exception {
        HttpResponse<String> good = get("/api/webhooks/whatsapp/shop-1?hub.mode=subscribe&hub.verify_token="
                + META_VERIFY_TOKEN + "&hub.challenge=1158201444", Map.of());
        HttpResponse<String> bad = get("/api/webhooks/whatsapp/shop-1?hub.mode=subscribe"
                + "&hub.verify_token=sEcReT-guessed-token&hub.challenge=1158201444", Map.of());

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).isEqualTo("1158201444");
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(bad.body()).doesNotContain("1158201444");
    }

    @Test
    void telegramUpdatesAreCheckedForTheSecretTokenAndDeduplicatedByUpdateId() throws Exception {
        byte[] body = "{\"update_id\":815001,\"message\":{\"chat\":{\"id\":42},\"text\":\"hi\"}}"
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> token = sign("--preset", "telegram", "--secret", TELEGRAM_SECRET);

        HttpResponse<String> wrong = post("/api/webhooks/telegram/channel-7",
                Map.of("X-Telegram-Bot-Api-Secret-Token", "sEcReT-wrong_token"), body);
        HttpResponse<String> first = post("/api/webhooks/telegram/channel-7", token, body);
        HttpResponse<String> again = post("/api/webhooks/telegram/channel-7", token, body);

        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(wrong.body()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:webhook-credential-invalid");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).path("service").asText()).isEqualTo("demo-backend");
        assertThat(JSON.readTree(again.body()).path("status").asText()).isEqualTo("duplicate_ignored");
    }

    @Test
    void evolutionDeliveriesNeedTheApiKeyHeader() throws Exception {
        byte[] body = "{\"event\":\"messages.upsert\",\"data\":{\"key\":{\"id\":\"3EB0C1\"}}}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> missing = post("/api/webhooks/evolution/store-9", Map.of(), body);
        HttpResponse<String> valid = post("/api/webhooks/evolution/store-9",
                sign("--preset", "apikey", "--secret", EVOLUTION_APIKEY, "--header", "x-evolution-apikey"), body);

        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(valid.body()).path("service").asText()).isEqualTo("demo-backend");
    }

    @Test
    void deliveryIdsSurviveADemoRestartOnTheSameDataDirectory() throws Exception {
        Path data = temp.resolve("restart-data");
        byte[] body = whatsapp("wamid.restart-1");
        Map<String, String> signed = sign("--preset", "meta", "--secret", META_APP_SECRET, "--body",
                Files.write(temp.resolve("restart.json"), body).toString());
        HttpResponse<String> before;
        try (Demo first = Demo.start(0, 0, data, SECRETS)) {
            before = post(first, "/api/webhooks/whatsapp/shop-1", signed, body);
        }

        HttpResponse<String> after;
        try (Demo second = Demo.start(0, 0, data, SECRETS)) {
            after = post(second, "/api/webhooks/whatsapp/shop-1", signed, body);
        }

        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(before.body()).path("service").asText()).isEqualTo("demo-backend");
        assertThat(JSON.readTree(after.body()).path("status").asText()).isEqualTo("duplicate_ignored");
    }

    @Test
    void productionModeRefusesTheDemoSecretsAndAcceptsRealOnes() {
        String production = Demo.configText().replace("mode: development", "mode: production");
        Function<String, String> strong = Map.of(
                "BULWARK_DEMO_META_APP_SECRET", "sEcReT-Zq8vR2mL9xT4pW7nB3kF6hJ1cD5gS0a",
                "BULWARK_DEMO_META_VERIFY_TOKEN", "sEcReT-Hk4Lm9Qw2Er7",
                "BULWARK_DEMO_TELEGRAM_SECRET", "sEcReT-Pq7_Wx2-Zk9Lm",
                "BULWARK_DEMO_EVOLUTION_APIKEY", "sEcReT-Ev0Lu7Ti9On4Ky2",
                "BULWARK_MASTER_KEY", "q83vEjRW1Ll4mB9zXo2YtP6cKd0aGh7sUe5fNi3wRxM=")::get;

        assertThat(RouteCompiler.compile(ConfigLoader.parse(production, "demo.yaml", strong)).routes())
                .hasSize(12 + 2);
        assertThatThrownBy(() -> RouteCompiler.compile(ConfigLoader.parse(production, "demo.yaml", name -> null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.masterKey")
                .hasMessageContaining("routes[2].webhook.secrets[0]")
                .hasMessageContaining("routes[2].webhook.verifyTokens[0]")
                .hasMessageContaining("routes[3].webhook.secrets[0]")
                .hasMessageContaining("routes[4].webhook.secrets[0]")
                .hasMessageNotContaining("not-for-production");
    }

    @Test
    void theMerchantApiNeedsATokenWhileHealthStaysPublic() throws Exception {
        HttpResponse<String> anonymous = CLIENT.send(HttpRequest.newBuilder(uri("/api/orders/42")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> docs = CLIENT.send(HttpRequest.newBuilder(uri("/api/docs/")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bulwark\"");
        assertThat(docs.statusCode()).as("seed 000 A3: docs need a token").isEqualTo(401);
        assertThat(get("/api/docs/", Map.of()).statusCode()).isEqualTo(200);
        assertThat(CLIENT.send(HttpRequest.newBuilder(uri("/api/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void theFirstAdminIsCreatedOnceFromTheEnvironmentAndKeptAcrossRestarts() throws Exception {
        assertThat(demo.admin()).isEqualTo(new Demo.FirstAdmin(ADMIN_EMAIL, null, true));
        assertThat(demo.banner()).contains(ADMIN_EMAIL).contains("password from BULWARK_ADMIN_PASSWORD")
                .doesNotContain(ADMIN_PASSWORD);

        Path data = temp.resolve("admin-data");
        String generated;
        try (Demo first = Demo.start(0, 0, data, name -> null)) {
            generated = first.admin().password();
            assertThat(first.admin().email()).isEqualTo(Demo.DEFAULT_ADMIN_EMAIL);
            assertThat(generated).hasSizeGreaterThanOrEqualTo(24);
            assertThat(first.banner()).contains(generated).contains("shown once");
        }
        try (Demo second = Demo.start(0, 0, data, name -> null)) {
            assertThat(second.admin()).isEqualTo(new Demo.FirstAdmin(Demo.DEFAULT_ADMIN_EMAIL, null, false));
            assertThat(second.banner()).doesNotContain(generated);
            HttpResponse<String> login = CLIENT.send(HttpRequest.newBuilder(URI.create(second.gatewayUri() + "/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + Demo.DEFAULT_ADMIN_EMAIL
                            + "\",\"password\":\"" + generated + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as("the generated password survives the restart").isEqualTo(200);
        }
    }

    @Test
    void theTourLogsInRefreshesLogsOutThenShowsAMemberRefusedAnAdminAllowedAndAnApiKey() throws Exception {
        Assumptions.assumeTrue(onPath("curl") && onPath("bash"), "curl and bash are needed to run the tour as written");
        StringBuilder script = new StringBuilder("set -e\ncd '").append(temp).append("'\n");
        List<Demo.TourStep> steps = demo.tour();
        int login = indexOf(steps, "Log in");
        for (int i = login; i <= indexOf(steps, "may not write them"); i++) {
            script.append("echo '### ").append(i).append("'\n").append(steps.get(i).command()).append("\necho\n");
        }
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true);
        // The user who set the variable for the demo has it in their shell too; the tour refers to it.
        shell.environment().put(Demo.ADMIN_PASSWORD_VARIABLE, ADMIN_PASSWORD);
        Process bash = shell.start();
        bash.getOutputStream().close();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(bash.exitValue()).as(output).isZero();
        String[] parts = output.split("### ");
        assertThat(parts[1]).contains("\"accessToken\"").contains("\"refreshToken\"");
        assertThat(parts[2]).contains("\"path\" : \"/api/orders/42\"").contains("tour-1");
        assertThat(parts[3]).contains("\"accessToken\"");
        assertThat(parts[4]).contains("HTTP/1.1 204");
        assertThat(parts[5]).contains("HTTP/1.1 401").contains("urn:bulwark:problem:token-revoked");
        assertThat(parts[6]).contains(Demo.TOUR_MEMBER).contains("MEMBER").doesNotContain("passwordHash");
        assertThat(parts[7]).contains("HTTP/1.1 403").contains("urn:bulwark:problem:permission-missing");
        assertThat(parts[8].lines().skip(1).findFirst()).hasValue("200");
        assertThat(parts[9]).containsPattern("\"key\":\"bwk_[a-z0-9]{16}_");
        assertThat(parts[10].lines().skip(1).limit(2).toList()).containsExactly("200", "403");
    }

    private static int indexOf(List<Demo.TourStep> steps, String what) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).what().contains(what)) {
                return i;
            }
        }
        throw new AssertionError("no tour step about " + what);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void dataDirectoryHoldsTheEmbeddedDatabase() {
        assertThat(dataDir).isDirectory();
        assertThat(dataDir.resolve("bulwark.mv.db")).isRegularFile();
        assertThat(demo.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
    }

    @Test
    void bannerShowsTheUrlsAndATourForTheRunningPorts() {
        String banner = demo.banner();
        String gateway = "http://localhost:" + demo.gateway().port();

        assertThat(banner).contains(gateway).contains(demo.backend().baseUri().toString())
                .contains(gateway + "/_bulwark/metrics").contains(gateway + "/_bulwark/health/ready")
                .contains(dataDir.toAbsolutePath().normalize().toString()).contains("embedded H2 database");
        assertThat(demo.tour()).hasSize(24).filteredOn(step -> step.command().contains("curl")).hasSize(23)
                .allSatisfy(step -> assertThat(step.command()).contains(gateway));
        assertThat(demo.tour()).filteredOn(step -> step.command().contains("webhooks sign")).hasSize(3);
    }

    @Test
    void bannerRefersToSecretsSetInTheEnvironmentWithoutPrintingThem() {
        String banner = demo.banner();

        assertThat(banner).doesNotContain("sEcReT-").doesNotContain("not-for-production")
                .contains("--secret \"$BULWARK_DEMO_META_APP_SECRET\"");
    }

    @Test
    void shippedConfigurationCanBeCopiedAsIs() throws Exception {
        Path copy = Files.writeString(temp.resolve("copy.yaml"), Demo.configText());

        assertThat(ConfigLoader.load(copy, name -> null).routes()).hasSize(12);
    }

    /** Runs {@code bulwark webhooks sign} as the tour does and reads its {@code -H 'Name: value'} lines back. */
    private static Map<String, String> sign(String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[options.length + 2];
        args[0] = "webhooks";
        args[1] = "sign";
        System.arraycopy(options, 0, args, 2, options.length);
        int code = BulwarkCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isZero();
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        out.toString().lines().forEach(line -> {
            String header = line.substring("-H '".length(), line.length() - 1);
            headers.put(header.substring(0, header.indexOf(": ")), header.substring(header.indexOf(": ") + 2));
        });
        return headers;
    }

    /** A WhatsApp Cloud delivery of one text message with the given id. */
    private static byte[] whatsapp(String messageId) {
        return Demo.TOUR_DELIVERY.replace(Demo.TOUR_MESSAGE_ID, messageId).getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        return post(demo, path, headers, body);
    }

    private static HttpResponse<String> post(Demo target, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.gatewayUri() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET carrying the admin's token unless {@code headers} has an Authorization of its own. */
    private static HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery));
        if (!headers.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> preflight(String origin) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri("/api/products"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String pathAndQuery) {
        return URI.create(demo.gatewayUri() + pathAndQuery);
    }

    /** A header the backend echoed, looked up case-insensitively as HTTP requires. */
    private static String header(JsonNode echo, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = echo.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue().asText();
            }
        }
        return null;
    }

    /** Sends bytes exactly as written, for requests an HTTP client would tidy up first. */
    private static RawResponse raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", demo.gateway().port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received.write(buffer, 0, n);
            }
            return RawResponse.parse(received.toString(StandardCharsets.UTF_8));
        }
    }

    private record RawResponse(int status, String head, String body) {
        static RawResponse parse(String text) {
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            String body = text.substring(split + 4);
            if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new RawResponse(Integer.parseInt(head.split(" ")[1]), head, body);
        }

        String header(String name) {
            return head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("");
        }

        private static String unchunk(String chunked) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    return body.toString();
                }
                body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }
}
