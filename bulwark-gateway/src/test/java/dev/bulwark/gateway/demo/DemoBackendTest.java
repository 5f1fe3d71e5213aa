package dev.bulwark.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoBackendTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static DemoBackend backend;

    @BeforeAll
    static void start() {
        backend = DemoBackend.start(0);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void healthAnswersWithTheServiceNameAndTheHeadersTheGatewayShouldStrip() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/health")).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Server")).hasValue("demo-backend/1.0");
        assertThat(response.headers().firstValue("X-Powered-By")).hasValue("Express");
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("service").asText()).isEqualTo("demo-backend");
        assertThat(echo.path("status").asText()).isEqualTo("up");
        assertThat(echo.path("method").asText()).isEqualTo("GET");
    }

    @Test
    void echoShowsMethodPathQueryAndHeadersExactlyAsReceived() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/orders/42/items?expand=lines&page=2"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .header("X-Request-Id", "req-123")
                .header("X-Forwarded-For", "203.0.113.9")
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("method").asText()).isEqualTo("PATCH");
        assertThat(echo.path("path").asText()).isEqualTo("/api/orders/42/items");
        assertThat(echo.path("query").asText()).isEqualTo("expand=lines&page=2");
        assertThat(header(echo, "X-Request-Id")).isEqualTo("req-123");
        assertThat(header(echo, "X-Forwarded-For")).isEqualTo("203.0.113.9");
        assertThat(echo.path("bodyLength").asLong()).isZero();
    }

    @Test
    void requestWithoutQueryEchoesNullQuery() throws Exception {
        JsonNode echo = JSON.readTree(send(HttpRequest.newBuilder(uri("/api/products")).build()).body());

        assertThat(echo.path("query").isNull()).isTrue();
    }

    @Test
    void webhookBodyIsCountedAndHashed() throws Exception {
        byte[] body = "{\"event\":\"order.paid\",\"amount\":4200}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/webhooks/stripe"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .build());

        JsonNode echo = JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(echo.path("bodyLength").asLong()).isEqualTo(body.length);
        assertThat(echo.path("bodySha256").asText()).isEqualTo(sha256(body));
    }

    @Test
    void largeBodyIsHashedWhileStreaming() throws Exception {
        byte[] body = new byte[24 * 1024 * 1024];
        Arrays.fill(body, (byte) 'x');

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/analytics/import"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("bodyLength").asLong()).isEqualTo(body.length);
        assertThat(echo.path("bodySha256").asText()).isEqualTo(sha256(body));
    }

    @Test
    void unknownPathGetsJsonNotFound() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/admin/secrets")).build());

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("service").asText()).isEqualTo("demo-backend");
        assertThat(echo.path("error").asText()).contains("/admin/secrets");
    }

    @Test
    void resourcePrefixDoesNotMatchALongerSiblingName() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/usersexport")).build());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void chatEchoesWebSocketTextMessages() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = CLIENT.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + backend.port() + "/api/chat"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                })
                .get(5, TimeUnit.SECONDS);

        socket.sendText("hello bulwark", true).get(5, TimeUnit.SECONDS);

        assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("hello bulwark");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void webSocketUpgradeOutsideChatIsRejected() {
        assertThatThrownBy(() -> CLIENT.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + backend.port() + "/api/orders"),
                        new WebSocket.Listener() { })
                .get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(404));
    }

    @Test
    void backendListensOnLoopbackOnly() {
        assertThat(backend.baseUri().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void invalidPortIsRefusedWithItsValue() {
        assertThatThrownBy(() -> DemoBackend.start(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend port must be between 0 and 65535: 70000");
    }

    @Test
    void portAlreadyInUseIsReportedClearly() {
        assertThatThrownBy(() -> DemoBackend.start(backend.port()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("demo backend cannot listen on 127.0.0.1:" + backend.port());
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

    private static URI uri(String pathAndQuery) {
        return URI.create(backend.baseUri() + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }
}
