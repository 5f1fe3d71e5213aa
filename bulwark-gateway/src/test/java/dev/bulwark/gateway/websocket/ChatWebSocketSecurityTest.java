package dev.bulwark.gateway.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.store.Device;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.gateway.demo.Demo;
import dev.bulwark.gateway.demo.DemoBackend;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The demo's chat route, exactly as shipped in {@code bulwark-demo.yaml} (seed 000's numbers), through a real
 * gateway to the demo backend's WebSocket echo at {@code /api/chat}, with real WebSocket clients. Time-based limits
 * run on the gateway's injected clock; closes that must happen "within a second" are waited for with a deadline.
 */
class ChatWebSocketSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "violet-Harbor-trumpet-58-chat";
    private static final int MB = 1024 * 1024;
    private static final int FRAME = 64 * 1024;
    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();

    @TempDir
    static Path data;

    private static DemoBackend backend;
    private static Gateway gateway;
    private static Vertx vertx;
    private static WebSocketClient client;
    private static final List<Chat> opened = new ArrayList<>();

    @BeforeAll
    static void start() {
        backend = DemoBackend.start(0);
        gateway = Gateway.start(Demo.config(0, backend.port(), data, name -> null),
                GatewayOptions.defaults().withClock(clock).withEvents(events).withEventLoops(1));
        vertx = Vertx.vertx();
        // Like a browser, which takes frames of any size: the backend echoes a message as one frame.
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(2 * MB)
                .setMaxMessageSize(2 * MB));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        backend.close();
    }

    /**
     * Starts each test on a fresh second: the demo's chat route also has a per-tenant rate limit on upgrades (20 per
     * second; these users have no tenant, so they share it), and the injected clock only moves when a test moves it.
     */
    @BeforeEach
    void nextSecondWithoutEvents() {
        clock.advance(Duration.ofSeconds(2));
        events.clear();
    }

    /** Closes what a test left open, so no socket of one test idles or expires in another. */
    @AfterEach
    void closeLeftovers() throws Exception {
        for (Chat chat : opened) {
            chat.socket().close();
            chat.closeWithin(5);
        }
        opened.clear();
    }

    /** A chat socket as the test sees it: what it received and how it was closed. */
    private record Chat(WebSocket socket, BlockingQueue<String> received, CompletableFuture<String> closed) {

        static Chat of(WebSocket socket) {
            Chat chat = new Chat(socket, new LinkedBlockingQueue<>(), new CompletableFuture<>());
            socket.textMessageHandler(chat.received()::add);
            socket.binaryMessageHandler(buffer -> chat.received().add("binary:" + buffer.length()));
            socket.closeHandler(v -> chat.closed().complete(socket.closeStatusCode() + " " + socket.closeReason()));
            return chat;
        }

        String echo(String text) throws InterruptedException {
            socket.writeTextMessage(text);
            return received.poll(5, TimeUnit.SECONDS);
        }

        /** @return the close code and reason, waiting at most {@code seconds} */
        String closeWithin(long seconds) throws Exception {
            return closed.get(seconds, TimeUnit.SECONDS);
        }
    }

    /** A new user logged in once: their access token and when it expires. */
    private record Login(String email, String token, Instant expiresAt) {
    }

    private static Login login() {
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        String email = "chat-" + UUID.randomUUID() + "@shop.test";
        identity.createUser(email, PASSWORD, Set.of(), Set.of()).toCompletableFuture().join();
        return login(email);
    }

    private static Login login(String email) {
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        var outcome = identity.login(email, PASSWORD, new Device("chat-test", "127.0.0.1", null))
                .toCompletableFuture().join();
        var tokens = ((Identity.LoginOutcome.Success) outcome).tokens();
        return new Login(email, tokens.accessToken().token(), tokens.accessToken().expiresAt());
    }

    private static WebSocketConnectOptions chat(Login login) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/api/chat")
                .addHeader("Authorization", "Bearer " + login.token())
                .addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0");
    }

    private static Chat open(WebSocketConnectOptions options) throws Exception {
        Chat chat = Chat.of(client.connect(options).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS));
        opened.add(chat);
        return chat;
    }

    private static UpgradeRejectedException refused(WebSocketConnectOptions options) {
        Throwable failure = catchThrowable(() -> open(options));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(UpgradeRejectedException.class);
        return (UpgradeRejectedException) failure.getCause();
    }

    private static List<Reason> reasons() {
        return events.events().stream().map(SecurityEvent::reason).toList();
    }

    private static void binaryMessage(WebSocket socket, int frames, int frameSize) {
        for (int i = 0; i < frames; i++) {
            Buffer part = Buffer.buffer(new byte[frameSize]);
            boolean last = i == frames - 1;
            socket.writeFrame(i == 0 ? WebSocketFrame.binaryFrame(part, last)
                    : WebSocketFrame.continuationFrame(part, last));
        }
    }

    // ---- at the upgrade ----

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000", "https://shop.example.com", "same-origin", "none"})
    void theDashboardTheGatewaysOwnPagesAndNonBrowsersMayOpenTheChat(String origin) throws Exception {
        WebSocketConnectOptions options = chat(login());
        switch (origin) {
            case "none" -> options.setAllowOriginHeader(false);
            case "same-origin" -> options.addHeader("Origin", "http://127.0.0.1:" + gateway.port());
            default -> options.addHeader("Origin", origin);
        }

        Chat chat = open(options);

        assertThat(chat.echo("is my order shipped?")).isEqualTo("is my order shipped?");
        chat.socket().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "https://evil.example", "https://shop.example.com.evil.com",
        "https://attacker.example.com.evil.com", "https://example.com", "http://shop.example.com",
        "https://localhost:3000", "http://localhost:3001", "http://127.0.0.1:1", "https://127.0.0.1"})
    void anotherSitesPageCannotOpenTheChatEvenWithTheUsersToken(String origin) throws Exception {
        UpgradeRejectedException rejected = refused(chat(login()).addHeader("Origin", origin));

        assertThat(rejected.getStatus()).isEqualTo(403);
        assertThat(JSON.readTree(rejected.getBody().getBytes()).path("type").asText())
                .isEqualTo("urn:bulwark:problem:websocket-origin-refused");
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_ORIGIN_REFUSED);
    }

    @Test
    void aUserMayHoldTenChatsAndTheEleventhIsRefusedUntilOneCloses() throws Exception {
        Login login = login();
        List<Chat> chats = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            chats.add(open(chat(login)));
        }

        UpgradeRejectedException eleventh = refused(chat(login));
        assertThat(eleventh.getStatus()).isEqualTo(429);
        assertThat(eleventh.getHeaders().get("Retry-After")).isEqualTo("5");
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_CONNECTION_LIMIT);
        Chat anotherUser = open(chat(login()));
        assertThat(anotherUser.echo("not affected")).isEqualTo("not affected");
        anotherUser.socket().close();

        chats.getFirst().socket().close();
        chats.getFirst().closeWithin(5);
        Chat again = openWithin(chat(login), Duration.ofSeconds(5));
        assertThat(again.echo("back")).isEqualTo("back");
        again.socket().close();
        for (Chat chat : chats) {
            chat.socket().close();
        }
    }

    // ---- during the connection ----

    @Test
    void theEleventhMessageWithinTenSecondsClosesTheChatWith1008() throws Exception {
        Chat chat = open(chat(login()));
        for (int i = 1; i <= 10; i++) {
            assertThat(chat.echo("message " + i)).isEqualTo("message " + i);
        }

        chat.socket().writeTextMessage("message 11");

        assertThat(chat.closeWithin(5)).isEqualTo("1008 message rate exceeded");
        assertThat(chat.received()).as("the 11th never reached the backend").isEmpty();
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_RATE_LIMITED);
        assertThat(gateway.meterRegistry().scrape())
                .contains("websocket_closes_total{reason=\"rate_limited\",route=\"chat\"}");
    }

    @Test
    void aMessageOfExactlyOneMegabyteIsRelayedBothWays() throws Exception {
        Chat chat = open(chat(login()));

        binaryMessage(chat.socket(), MB / FRAME, FRAME);

        assertThat(chat.received().poll(10, TimeUnit.SECONDS)).isEqualTo("binary:" + MB);
        assertThat(chat.closed()).isNotDone();
        chat.socket().close();
    }

    @Test
    void aFrameOverOneMegabyteClosesWith1009() throws Exception {
        Chat chat = open(chat(login()));

        chat.socket().writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[MB + 1]), true));

        assertThat(chat.closeWithin(5)).isEqualTo("1009 frame too big");
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_MESSAGE_TOO_BIG);
    }

    @Test
    void aMessageWhoseSmallFramesAddUpOverOneMegabyteClosesWith1009() throws Exception {
        Chat chat = open(chat(login()));

        binaryMessage(chat.socket(), MB / FRAME + 1, FRAME);

        assertThat(chat.closeWithin(5)).isEqualTo("1009 message too big");
        assertThat(chat.received()).as("no echo of a message cut short").isEmpty();
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_MESSAGE_TOO_BIG);
        assertThat(events.events().getFirst().detail())
                .isEqualTo("client sent a message of more than 1048576 bytes (1114112 so far)");
    }

    @Test
    void aChatWithoutAMessageForTenMinutesClosesWith1001() throws Exception {
        // The token lives 15 minutes: this stays within it.
        Chat chat = open(chat(login()));
        clock.advance(Duration.ofMinutes(4));
        assertThat(chat.echo("still here")).isEqualTo("still here");
        clock.advance(Duration.ofMinutes(9));
        Thread.sleep(600);
        assertThat(chat.closed()).as("each message restarts the idle time").isNotDone();

        clock.advance(Duration.ofMinutes(1));

        assertThat(chat.closeWithin(2)).isEqualTo("1001 idle timeout");
        SecurityEvent event = events.single();
        assertThat(event.reason()).isEqualTo(Reason.WEBSOCKET_IDLE);
        assertThat(event.severity().label()).as("logged at info").isEqualTo("low");
    }

    @Test
    void aTokenThatExpiresClosesItsChatWith1008() throws Exception {
        Login login = login();
        Chat chat = open(chat(login));
        Duration lifetime = Duration.between(clock.instant(), login.expiresAt());
        clock.advance(lifetime.dividedBy(2));
        assertThat(chat.echo("half way")).isEqualTo("half way");

        clock.advance(lifetime.dividedBy(2));

        assertThat(chat.closeWithin(2)).isEqualTo("1008 token expired");
        assertThat(reasons()).containsExactly(Reason.WEBSOCKET_CREDENTIAL_ENDED);
    }

    @Test
    void logoutAllClosesEveryOpenChatOfTheUserWithinASecond() throws Exception {
        Login phone = login();
        Login laptop = login(phone.email());
        Chat onPhone = open(chat(phone));
        Chat onLaptop = open(chat(laptop));
        Chat someoneElse = open(chat(login()));

        HttpResponse<String> logoutAll = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/auth/logout-all"))
                .header("Authorization", "Bearer " + phone.token())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long loggedOut = System.nanoTime();
        assertThat(logoutAll.statusCode()).isEqualTo(200);
        assertThat(logoutAll.body()).contains("\"endedSessions\":2");

        assertThat(onPhone.closeWithin(1)).isEqualTo("1008 token revoked");
        assertThat(onLaptop.closeWithin(1)).isEqualTo("1008 token revoked");
        assertThat(Duration.ofNanos(System.nanoTime() - loggedOut)).isLessThan(Duration.ofSeconds(1));
        assertThat(someoneElse.echo("still open")).isEqualTo("still open");
        assertThat(reasons()).filteredOn(Reason.WEBSOCKET_CREDENTIAL_ENDED::equals).hasSize(2);
        someoneElse.socket().close();
    }

    /** @return a socket opened once the gateway has freed a slot, retrying until {@code within} has passed */
    private static Chat openWithin(WebSocketConnectOptions options, Duration within) throws Exception {
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
