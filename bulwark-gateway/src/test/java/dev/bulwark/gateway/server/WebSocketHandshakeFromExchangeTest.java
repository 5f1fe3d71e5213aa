package dev.bulwark.gateway.server;

import dev.bulwark.api.Headers;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.websocket.WebSocketConfig;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import dev.bulwark.gateway.proxy.HttpProxy;
import dev.bulwark.gateway.proxy.UpstreamGuard;
import dev.bulwark.gateway.proxy.WebSocketUpgrade;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream handshake is built from the exchange's request headers as the filters left them.
 *
 * <p>Routes cannot take a custom filter yet, so this test hosts the proxy the way {@code RequestHandler} does
 * and runs one small "filter" in between: it takes a bearer token out of {@code Sec-WebSocket-Protocol}, as the
 * authentication filter does for browsers that cannot set {@code Authorization} on a WebSocket.
 */
class WebSocketHandshakeFromExchangeTest {

    private static final String TOKEN = "sEcReT-websocket-token-42";

    private static final BlockingQueue<List<String>> offeredUpstream = new LinkedBlockingQueue<>();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static HttpServer front;
    private static WebSocketClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setWebSocketSubProtocols(List.of("chat")))
                .webSocketHandler(ws -> {
                    offeredUpstream.add(List.copyOf(ws.headers().getAll("Sec-WebSocket-Protocol")));
                    ws.textMessageHandler(ws::writeTextMessage);
                });
        upstream.listen().toCompletionStage().toCompletableFuture().join();
        UpstreamConfig target = UpstreamConfig.builder().name("backend")
                .url("http://127.0.0.1:" + upstream.actualPort())
                .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)).build();
        HttpProxy[] proxy = new HttpProxy[1];
        front = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setWebSocketSubProtocols(List.of("*")))
                .requestHandler(request -> {
                    if (proxy[0] == null) {
                        proxy[0] = new HttpProxy(vertx, List.of(new UpstreamGuard(target, LoadSheddingConfig.DEFAULT,
                                Clock.systemUTC(), SecurityEventSink.discard(),
                                new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))),
                                (int) WebSocketConfig.DEFAULT.maxFrameSize());
                    }
                    forward(request, proxy[0], target);
                });
        front.listen().toCompletionStage().toCompletableFuture().join();
        client = vertx.createWebSocketClient(new WebSocketClientOptions());
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void tokenAFilterTookOutOfTheSubprotocolsNeverReachesTheUpstream() throws Exception {
        WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                        .setPort(front.actualPort()).setURI("/ws")
                        .setSubProtocols(List.of("bulwark.bearer", TOKEN, "chat")))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(offeredUpstream.poll(10, TimeUnit.SECONDS)).containsExactly("chat");
        assertThat(socket.subProtocol()).isEqualTo("chat");
        CompletableFuture<String> echoed = new CompletableFuture<>();
        socket.textMessageHandler(echoed::complete);
        socket.writeTextMessage("through");
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("through");
        socket.close();
    }

    /** Hosts the proxy like {@code RequestHandler}: paused request, filter, forward, accept the upgrade. */
    private static void forward(HttpServerRequest request, HttpProxy proxy, UpstreamConfig target) {
        request.pause();
        String peer = request.remoteAddress().hostAddress();
        VertxExchange exchange = new VertxExchange(request, request.path(), request.path(), "127.0.0.1", false,
                peer, false, peer, -1, Clock.systemUTC(), SecurityEventSink.discard(), System.nanoTime());
        removeBearerSubprotocol(exchange.requestHeaders());
        proxy.forward(exchange, target, Priority.NORMAL).thenAccept(response -> {
            if (response.streamedBody() instanceof WebSocketUpgrade upgrade) {
                upgrade.accept(request, new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
            } else {
                request.response().setStatusCode(response.status()).end();
            }
        });
    }

    /** The test filter: drops {@code bulwark.bearer} and the token after it, keeps the rest in order. */
    private static void removeBearerSubprotocol(Headers headers) {
        List<String> kept = new ArrayList<>();
        boolean skipNext = false;
        for (String value : headers.getAll("Sec-WebSocket-Protocol")) {
            for (String entry : value.split(",")) {
                String protocol = entry.trim();
                if (skipNext) {
                    skipNext = false;
                } else if (protocol.equals("bulwark.bearer")) {
                    skipNext = true;
                } else if (!protocol.isEmpty()) {
                    kept.add(protocol);
                }
            }
        }
        headers.remove("Sec-WebSocket-Protocol");
        if (!kept.isEmpty()) {
            headers.set("Sec-WebSocket-Protocol", String.join(", ", kept));
        }
    }
}
