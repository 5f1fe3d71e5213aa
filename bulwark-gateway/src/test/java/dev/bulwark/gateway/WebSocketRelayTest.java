package dev.bulwark.gateway;

import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.websocket.WebSocketConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WebSockets through the gateway against real upstreams: subprotocol negotiation, handshake failures, and how
 * closes and disappearances on either side reach the other.
 */
class WebSocketRelayTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private static TestUpstream upstream;
    private static RawWebSocketUpstream dropping;
    private static Gateway gateway;
    private static Vertx client;
    /** Held for the whole class: Vert.x closes a client with its connections once the object is collected. */
    private static WebSocketClient webSockets;

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
        dropping = new RawWebSocketUpstream();
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        client = Vertx.vertx();
        webSockets = client.createWebSocketClient(new WebSocketClientOptions());
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .upstream("dead", UpstreamConfig.builder().url("http://127.0.0.1:" + deadPort)
                        .connectTimeout(Duration.ofSeconds(1)))
                .upstream("dropping", UpstreamConfig.builder().url("http://127.0.0.1:" + dropping.port()))
                .route(RouteConfig.builder("dead").path("/dead/**").upstream("dead"))
                .route(RouteConfig.builder("dropping").path("/drop/**").upstream("dropping"))
                .route(RouteConfig.builder("all").path("/**").upstream("backend")
                        .inline(PolicyConfig.builder().websocket(WebSocketConfig.builder()
                                .allowedOrigins("https://app.example").build())))
                .build(), GatewayOptions.defaults().withEventLoops(1));
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        client.close().toCompletionStage().toCompletableFuture().join();
        dropping.close();
        upstream.close();
    }

    @BeforeEach
    void drain() throws InterruptedException {
        while (!upstream.nothingReceived()) {
            upstream.next();
        }
    }

    @Test
    void offeredSubprotocolsReachTheUpstreamAndTheClientGetsTheOneItSelected() throws Exception {
        WebSocket socket = connect(options("/ws/chat").setSubProtocols(List.of("chat", "superchat")));

        assertThat(socket.subProtocol()).isEqualTo("superchat");
        assertThat(offered(upstream.next())).containsExactly("chat", "superchat");
        assertThat(echo(socket, "hi")).isEqualTo("hi");
        socket.close();
    }

    @Test
    void clientThatOffersNoSubprotocolGetsNone() throws Exception {
        WebSocket socket = connect(options("/ws/plain"));

        assertThat(socket.subProtocol()).isNull();
        assertThat(upstream.next().header("Sec-WebSocket-Protocol")).isNull();
        socket.close();
    }

    @Test
    void upstreamSelectingNoneOfTheOfferedSubprotocolsGivesTheClientA502Problem() throws Exception {
        // Browsers fail such a connection themselves (WHATWG); the gateway's upstream client does the same.
        assertThatThrownBy(() -> connect(options("/ws/chat").setSubProtocols(List.of("chat", "v2.chat"))))
                .cause().isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> {
                    assertThat(rejected.getStatus()).isEqualTo(502);
                    assertThat(rejected.getBody().toString())
                            .contains("upstream backend failed the websocket handshake");
                });
        assertThat(offered(upstream.next())).containsExactly("chat", "v2.chat");
    }

    @Test
    void subprotocolsOfferedInSeveralFieldsAreAllForwardedAndOnlyTheSelectedOneIsEchoed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws/raw HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n"
                    + "Sec-WebSocket-Protocol: superchat, v2.chat\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead(socket.getInputStream());

            assertThat(head).startsWith("HTTP/1.1 101");
            assertThat(headerLines(head, "sec-websocket-protocol")).containsExactly("superchat");
            assertThat(offered(upstream.next())).containsExactly("chat", "superchat", "v2.chat");
        }
    }

    @Test
    void upstreamRefusingTheHandshakeGivesTheClientA502Problem() {
        assertThatThrownBy(() -> connect(options("/socket/refuse")))
                .cause().isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> {
                    assertThat(rejected.getStatus()).isEqualTo(502);
                    assertThat(rejected.getHeaders().get("Content-Type")).isEqualTo("application/problem+json");
                    assertThat(rejected.getBody().toString())
                            .contains("upstream backend refused the websocket handshake with status 403");
                });
    }

    @Test
    void unreachableUpstreamGivesTheClientA502Problem() {
        assertThatThrownBy(() -> connect(options("/dead/socket")))
                .cause().isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> {
                    assertThat(rejected.getStatus()).isEqualTo(502);
                    assertThat(rejected.getBody().toString()).contains("upstream dead is unreachable");
                });
    }

    @Test
    void upstreamGreetingIsRelayedBeforeTheClientSpeaks() throws Exception {
        CompletableFuture<String> greeting = new CompletableFuture<>();
        WebSocket socket = webSockets.webSocket().textMessageHandler(greeting::complete)
                .connect(options("/socket/greet")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(greeting.get(10, TimeUnit.SECONDS)).isEqualTo(TestUpstream.GREETING);
        socket.close();
    }

    @Test
    void upstreamThatClosesRightAfterAcceptingClosesTheClientWithItsCodeAndReason() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket socket = webSockets.webSocket().closeHandler(closed::complete)
                .connect(options("/socket/greet-and-close")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        closed.get(10, TimeUnit.SECONDS);
        assertThat(socket.closeStatusCode()).isEqualTo((short) 4000);
        assertThat(socket.closeReason()).isEqualTo("done");
    }

    @Test
    void upstreamCloseThatComesBeforeTheClientIsUpgradedStillReachesTheClient() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            // The one-byte body holds the client's upgrade back until the upstream has already said goodbye.
            socket.getOutputStream().write(("GET /socket/greet-and-close/early HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nContent-Length: 1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            TestUpstream.WebSocketClose atUpstream = upstreamCloseOf("/socket/greet-and-close/early");
            assertThat(atUpstream.code()).isEqualTo((short) 4000);

            socket.getOutputStream().write('x');
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101");

            byte[] close = readUntilCloseFrame(in);
            assertThat(((close[0] & 0xff) << 8) | (close[1] & 0xff)).isEqualTo(4000);
            assertThat(new String(close, 2, close.length - 2, StandardCharsets.UTF_8)).isEqualTo("done");
        }
    }

    @Test
    void greetingAndCloseSentWithTheHandshakeAnswerBothReachTheClient() throws Exception {
        dropping.mode(RawMode.CLOSE_WITH_THE_HANDSHAKE);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        CompletableFuture<String> greeting = new CompletableFuture<>();
        WebSocket socket = webSockets.webSocket().textMessageHandler(greeting::complete).closeHandler(closed::complete)
                .connect(options("/drop/closing")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        closed.get(10, TimeUnit.SECONDS);
        assertThat(greeting.getNow(null)).isEqualTo(TestUpstream.GREETING);
        assertThat(socket.closeStatusCode()).isEqualTo((short) 4000);
        assertThat(socket.closeReason()).isEqualTo("done");
    }

    @Test
    void clientCloseCodeAndReasonReachTheUpstream() throws Exception {
        WebSocket socket = connect(options("/ws/leaving"));
        assertThat(echo(socket, "still here")).isEqualTo("still here");

        socket.close((short) 4001, "leaving");

        TestUpstream.WebSocketClose atUpstream = upstreamCloseOf("/ws/leaving");
        assertThat(atUpstream.code()).isEqualTo((short) 4001);
        assertThat(atUpstream.reason()).isEqualTo("leaving");
    }

    @Test
    void clientThatVanishesWithoutACloseFrameClosesTheUpstreamAsGoingAway() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws/vanishing HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
        }

        TestUpstream.WebSocketClose atUpstream = upstreamCloseOf("/ws/vanishing");
        assertThat(atUpstream.code()).isEqualTo((short) 1001);
    }

    @Test
    void upstreamThatVanishesMidRelayClosesTheClientAsBadGateway() throws Exception {
        dropping.mode(RawMode.DROP_AFTER_FIRST_FRAME);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket socket = webSockets.webSocket().closeHandler(closed::complete)
                .connect(options("/drop/later")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        socket.writeTextMessage("anyone there?");

        closed.get(10, TimeUnit.SECONDS);
        assertThat(socket.closeStatusCode()).isEqualTo((short) 1014);
    }

    @Test
    void upstreamThatVanishesRightAfterAcceptingNeverLeavesTheClientHanging() throws Exception {
        dropping.mode(RawMode.DROP_AT_ONCE);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            WebSocket socket = webSockets.webSocket().closeHandler(closed::complete)
                    .connect(options("/drop/at-once")).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            // The loss raced the client's upgrade and lost: the fresh socket is closed as a bad gateway.
            closed.get(10, TimeUnit.SECONDS);
            assertThat(socket.closeStatusCode()).isEqualTo((short) 1014);
        } catch (ExecutionException refused) {
            assertThat(refused.getCause()).isInstanceOfSatisfying(UpgradeRejectedException.class,
                    rejected -> assertThat(rejected.getStatus()).isEqualTo(502));
        }
    }

    @Test
    void handshakeHeldUpAtTheUpstreamSurvivesAGarbageCollection() throws Exception {
        CompletableFuture<WebSocket> connecting = webSockets.connect(options("/socket/gate"))
                .toCompletionStage().toCompletableFuture();
        assertThat(upstream.awaitArrivalAtGate(10, TimeUnit.SECONDS)).isTrue();

        // Vert.x closes a client nothing holds once it is collected: neither the gateway's upstream client nor
        // this test's may be one of those, or the held-up handshake dies here ("Connection evicted").
        System.gc();
        System.gc();
        upstream.openGate();

        WebSocket socket = connecting.get(10, TimeUnit.SECONDS);
        assertThat(echo(socket, "after gc")).isEqualTo("after gc");
        socket.close();
    }

    @Test
    void handshakeCarriesTheRequestIdTheFilterChoseNotTheMalformedOneTheClientSent() throws Exception {
        WebSocket socket = connect(options("/ws/ids").addHeader("X-Request-Id", "not a valid id"));

        String forwarded = upstream.next().header("X-Request-Id");
        assertThat(forwarded).isNotEqualTo("not a valid id").matches(UUID_PATTERN);
        socket.close();
    }

    @Test
    void clientOriginIsForwardedAndNoneIsInventedWhenTheClientSentNone() throws Exception {
        WebSocket browser = connect(options("/ws/origin").addHeader("Origin", "https://app.example"));
        assertThat(upstream.next().header("Origin")).isEqualTo("https://app.example");
        browser.close();

        WebSocket tool = connect(options("/ws/no-origin").setAllowOriginHeader(false));
        assertThat(upstream.next().header("Origin")).isNull();
        tool.close();
    }

    private static WebSocketConnectOptions options(String uri) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI(uri);
    }

    private static WebSocket connect(WebSocketConnectOptions options) throws Exception {
        return webSockets.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** @return how the upstream WebSocket on {@code path} ended, skipping those of earlier tests */
    private static TestUpstream.WebSocketClose upstreamCloseOf(String path) throws InterruptedException {
        while (true) {
            TestUpstream.WebSocketClose close = upstream.nextWebSocketClose();
            if (close.path().equals(path)) {
                return close;
            }
        }
    }

    private static String echo(WebSocket socket, String text) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        socket.textMessageHandler(answer::complete);
        socket.writeTextMessage(text);
        return answer.get(10, TimeUnit.SECONDS);
    }

    private static List<String> offered(TestUpstream.Received received) {
        String header = received.header("Sec-WebSocket-Protocol");
        return header == null ? List.of() : Arrays.stream(header.split(",")).map(String::trim).toList();
    }

    /** Reads byte by byte up to the blank line, so nothing after the head is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the head ended: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Reads unmasked server frames, skipping data frames, and returns the payload of the first close frame. */
    private static byte[] readUntilCloseFrame(InputStream in) throws IOException {
        while (true) {
            int first = in.read();
            int second = in.read();
            if (first < 0 || second < 0) {
                throw new IOException("connection closed without a close frame");
            }
            long length = second & 0x7f;
            if (length == 126) {
                length = ((long) in.read() << 8) | in.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if ((first & 0x0f) == 0x8) {
                return payload;
            }
        }
    }

    private static List<String> headerLines(String head, String name) {
        return head.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim())
                .toList();
    }

    /** What {@link RawWebSocketUpstream} does once it has accepted a handshake. */
    private enum RawMode {
        /** Drops the TCP connection at once, without a close frame. */
        DROP_AT_ONCE,
        /** Drops the TCP connection, without a close frame, once the first client byte arrives. */
        DROP_AFTER_FIRST_FRAME,
        /** Sends the handshake answer, a greeting and a close frame {@code 4000 done} in one write. */
        CLOSE_WITH_THE_HANDSHAKE
    }

    /**
     * A WebSocket upstream written on a bare socket, so it can do what a Vert.x server will not: drop the TCP
     * connection without a close frame, or close in the very packet that accepts the handshake.
     */
    private static final class RawWebSocketUpstream implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private volatile RawMode mode = RawMode.DROP_AT_ONCE;

        RawWebSocketUpstream() throws IOException {
            Thread.ofPlatform().daemon().name("raw-websocket-upstream").start(this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        void mode(RawMode mode) {
            this.mode = mode;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(10_000);
                    String head = readHead(socket.getInputStream());
                    String key = headerLines(head, "sec-websocket-key").getFirst();
                    byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
                    ByteArrayOutputStream answer = new ByteArrayOutputStream();
                    answer.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                            + Base64.getEncoder().encodeToString(digest) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    RawMode now = mode;
                    if (now == RawMode.CLOSE_WITH_THE_HANDSHAKE) {
                        byte[] greeting = TestUpstream.GREETING.getBytes(StandardCharsets.UTF_8);
                        answer.write(0x81);
                        answer.write(greeting.length);
                        answer.writeBytes(greeting);
                        answer.writeBytes(new byte[] {(byte) 0x88, 6, 0x0f, (byte) 0xa0, 'd', 'o', 'n', 'e'});
                    }
                    socket.getOutputStream().write(answer.toByteArray());
                    socket.getOutputStream().flush();
                    if (now != RawMode.DROP_AT_ONCE) {
                        // Waits for the first client byte (a frame, or the answer to our close).
                        socket.getInputStream().read();
                    }
                } catch (Exception closedOrBroken) {
                    // The next test gets a fresh connection; a closed server ends the loop.
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
