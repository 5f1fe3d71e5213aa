package dev.bulwark.gateway.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's merchant API: a small backend on 127.0.0.1 that answers every request with JSON describing
 * exactly what it received (method, path, query, headers, body length and SHA-256), so a user can see what
 * the gateway forwarded and what it stripped or added.
 *
 * <p>It serves {@code GET /api/health}, {@code /api/products}, {@code /api/orders}, {@code /api/analytics},
 * {@code /api/users}, {@code /api/settings}, {@code /api/docs} (any method, any sub-path), webhook sinks under
 * {@code /api/webhooks/}, and a WebSocket echo at {@code /api/chat}; anything else gets a JSON 404. Responses
 * carry {@code Server} and {@code X-Powered-By} headers on purpose, so the tour can show the gateway removing
 * them. Bodies are hashed while they stream, never held in memory.
 *
 * <p>Thread-safe; {@link #close()} stops the server and its event loop and may be called more than once.
 */
public final class DemoBackend implements AutoCloseable {

    /** The {@code Server} header the backend sends; the gateway should remove it. */
    public static final String SERVER_HEADER = "demo-backend/1.0";

    static final String SERVICE = "demo-backend";

    private static final List<String> RESOURCES =
            List.of("/api/products", "/api/orders", "/api/analytics", "/api/users", "/api/settings",
                    "/api/webhooks", "/api/docs");
    private static final String HEALTH = "/api/health";
    private static final String CHAT = "/api/chat";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Vertx vertx;
    private final HttpServer server;
    private final String host;

    private DemoBackend(Vertx vertx, HttpServer server, String host) {
        this.vertx = vertx;
        this.server = server;
        this.host = host;
    }

    /**
     * Starts the backend on {@code 127.0.0.1}.
     *
     * @param port the port to listen on; 0 picks a free one
     * @return the running backend
     * @throws IllegalStateException when the port cannot be bound (in use, not permitted)
     */
    public static DemoBackend start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("backend port must be between 0 and 65535: " + port);
        }
        String host = "127.0.0.1";
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        // Echoes chat messages, and single frames, up to the demo chat route's 1 MB.
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                        .setMaxWebSocketFrameSize(1024 * 1024).setMaxWebSocketMessageSize(1024 * 1024))
                .webSocketHandshakeHandler(DemoBackend::handshake)
                .webSocketHandler(DemoBackend::echo)
                .requestHandler(DemoBackend::handle);
        try {
            server.listen().await(Duration.ofSeconds(10));
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("demo backend cannot listen on " + host + ":" + port + ": "
                    + describe(e), e);
        }
        return new DemoBackend(vertx, server, host);
    }

    /** @return the port the backend listens on */
    public int port() {
        return server.actualPort();
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public URI baseUri() {
        return URI.create("http://" + host + ":" + port());
    }

    /** Stops accepting, closes open connections and the event loop; waits at most a few seconds. */
    @Override
    public void close() {
        try {
            vertx.close().await(Duration.ofSeconds(5));
        } catch (Exception ignored) {
            // Closing is best effort: the process is usually about to exit.
        }
    }

    private static void handshake(ServerWebSocketHandshake handshake) {
        if (CHAT.equals(handshake.path())) {
            handshake.accept();
        } else {
            handshake.reject(404);
        }
    }

    private static void echo(ServerWebSocket socket) {
        socket.textMessageHandler(socket::writeTextMessage);
        socket.binaryMessageHandler(socket::writeBinaryMessage);
    }

    private static void handle(HttpServerRequest request) {
        String path = request.path();
        boolean known = HEALTH.equals(path) || CHAT.equals(path) || RESOURCES.stream().anyMatch(
                resource -> path.equals(resource) || path.startsWith(resource + "/"));
        int status = known ? 200 : 404;
        MessageDigest sha256 = sha256();
        long[] length = {0};
        request.handler(chunk -> {
            length[0] += chunk.length();
            sha256.update(chunk.getBytes());
        });
        request.exceptionHandler(failure -> request.connection().close());
        request.endHandler(end -> {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("service", SERVICE);
            if (HEALTH.equals(path)) {
                echo.put("status", "up");
            }
            if (!known) {
                echo.put("error", "the demo backend has no resource at " + path);
            }
            echo.put("method", request.method().name());
            echo.put("path", path);
            echo.put("query", request.query());
            echo.put("headers", headersOf(request));
            echo.put("bodyLength", length[0]);
            echo.put("bodySha256", HexFormat.of().formatHex(sha256.digest()));
            request.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Server", SERVER_HEADER)
                    .putHeader("X-Powered-By", "Express")
                    .end(Buffer.buffer(toJson(echo)));
        });
    }

    /** Header names as received; repeated headers are joined with ", " as HTTP allows. */
    private static Map<String, String> headersOf(HttpServerRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(entry -> headers.merge(entry.getKey(), entry.getValue(),
                (first, next) -> first + ", " + next));
        return headers;
    }

    private static byte[] toJson(Map<String, Object> echo) {
        try {
            byte[] body = JSON.writeValueAsBytes(echo);
            byte[] withNewline = new byte[body.length + 1];
            System.arraycopy(body, 0, withNewline, 0, body.length);
            withNewline[body.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot write echo as json", impossible);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every java runtime provides sha-256", impossible);
        }
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
