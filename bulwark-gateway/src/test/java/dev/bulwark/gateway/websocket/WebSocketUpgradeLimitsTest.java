package dev.bulwark.gateway.websocket;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.websocket.WebSocketConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a route's {@code websocket} settings refuse at the upgrade never reaches the upstream, and what they limit
 * on a live socket is only what the client sends: through a real gateway to a real WebSocket upstream that counts
 * the handshakes it sees.
 */
class WebSocketUpgradeLimitsTest {

    private static final AtomicInteger handshakes = new AtomicInteger();
    private static final BlockingQueue<String> upstreamCloses = new LinkedBlockingQueue<>();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway gateway;
    private static WebSocketClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer(new HttpServerOptions())
                .webSocketHandler(ws -> {
                    handshakes.incrementAndGet();
                    ws.closeHandler(v -> upstreamCloses.add(ws.closeStatusCode() + " " + ws.closeReason()));
                    ws.textMessageHandler(text -> {
                        // "burst N" makes the upstream send N messages at once: the upstream is not limited.
                        int count = text.startsWith("burst ") ? Integer.parseInt(text.substring(6)) : 1;
                        for (int i = 0; i < count; i++) {
                            ws.writeTextMessage(text + " #" + (i + 1));
                        }
                    });
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(BulwarkConfig.builder()
                        .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                        .upstream("feed", UpstreamConfig.builder().url("http://127.0.0.1:" + upstream.actualPort()))
                        .route(RouteConfig.builder("feed").path("/feed").upstream("feed")
                                .inline(PolicyConfig.builder().websocket(WebSocketConfig.builder()
                                        .allowedOrigins("https://app.example.com")
                                        .maxConnectionsPerIp(2)
                                        .messagesPerConnection(WebSocketConfig.Rate.of(3, Duration.ofSeconds(10)))
                                        .build())))
                        .build(),
                GatewayOptions.defaults().withEvents(events).withEventLoops(1));
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        events.clear();
        upstreamCloses.clear();
    }

    private static WebSocketConnectOptions feed() {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/feed")
                .addHeader("Origin", "https://app.example.com");
    }

    private static WebSocket open(WebSocketConnectOptions options) throws Exception {
        return client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int refusedStatus(WebSocketConnectOptions options) {
        return refused(options).getStatus();
    }

    private static UpgradeRejectedException refused(WebSocketConnectOptions options) {
        Throwable failure = catchThrowable(() -> open(options));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(UpgradeRejectedException.class);
        return (UpgradeRejectedException) failure.getCause();
    }

    private static List<Reason> reasons() {
        return events.events().stream().map(SecurityEvent::reason).toList();
    }

    @Test
    void forgedOriginsAreRefusedWith403AndNeverReachTheUpstream() {
        int before = handshakes.get();

        for (String origin : List.of("null", "https://app.example.com.evil.com", "http://app.example.com",
                "https://evil.example")) {
            WebSocketConnectOptions forged = new WebSocketConnectOptions().setHost("127.0.0.1")
                    .setPort(gateway.port()).setURI("/feed").addHeader("Origin", origin);
            assertThat(refusedStatus(forged)).as(origin).isEqualTo(403);
        }

        assertThat(handshakes.get()).isEqualTo(before);
        assertThat(reasons()).containsOnly(Reason.WEBSOCKET_ORIGIN_REFUSED).hasSize(4);
    }

    @Test
    void aClientAddressOverItsCapIsRefusedWith429UntilOneOfItsSocketsCloses() throws Exception {
        WebSocket first = open(feed());
        WebSocket second = open(feed());
        int before = handshakes.get();

        UpgradeRejectedException refusal = refused(feed());
        assertThat(refusal.getStatus()).isEqualTo(429);
        assertThat(refusal.getHeaders().get("Retry-After")).as("the default websocket.retryAfter").isEqualTo("5");
        assertThat(handshakes.get()).as("the refused upgrade never reached the upstream").isEqualTo(before);
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_CONNECTION_LIMIT);
        assertThat(gateway.meterRegistry().scrape()).contains("websocket_connections_active{route=\"feed\"} 2.0");

        first.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        WebSocket third = openWithin(feed(), Duration.ofSeconds(5));
        third.close();
        second.close();
    }

    @Test
    void onlyTheClientIsRateLimitedAndTheUpstreamIsToldWhyTheClientWasClosed() throws Exception {
        WebSocket socket = open(feed());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        socket.textMessageHandler(received::add);
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));

        socket.writeTextMessage("burst 20");
        for (int i = 1; i <= 20; i++) {
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("burst 20 #" + i);
        }
        socket.writeTextMessage("two");
        socket.writeTextMessage("three");
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("two #1");
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("three #1");
        assertThat(closed).as("the upstream's 20 messages did not count").isNotDone();

        socket.writeTextMessage("four");

        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo("1008 message rate exceeded");
        assertThat(upstreamCloses.poll(5, TimeUnit.SECONDS)).isEqualTo("1001 message rate exceeded");
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_RATE_LIMITED);
    }

    /** @return a socket opened once the gateway has freed a slot, retrying until {@code within} has passed */
    private static WebSocket openWithin(WebSocketConnectOptions options, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return open(options);
            } catch (ExecutionException refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.sleep(50);
            }
        }
    }
}
