package dev.bulwark.core.websocket;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.store.Revocation;
import dev.bulwark.core.auth.Authenticator;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.auth.token.AccessToken;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketSessionTest {

    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

    private final FakeClock clock = new FakeClock();
    private final RecordingEventSink events = new RecordingEventSink();
    private final RevocationList revocations = new RevocationList();
    private final WebSocketConnections connections = new WebSocketConnections();
    private final WebSocketLimitFilter chat = new WebSocketLimitFilter("chat", WebSocketConfig.builder()
            .messagesPerConnection(WebSocketConfig.Rate.of(10, Duration.ofSeconds(10)))
            .messagesPerUser(WebSocketConfig.Rate.of(15, Duration.ofSeconds(10)))
            .maxFrameSize(64 * 1024).maxMessageSize(256 * 1024).idleTimeout(Duration.ofMinutes(10)).build(),
            connections);

    WebSocketSessionTest() {
        connections.followRevocations(revocations);
    }

    /** A socket's endpoint that records what the session asked it to do. */
    private static final class Socket implements WebSocketSession.Endpoint {
        final List<WebSocketClose> closes = new CopyOnWriteArrayList<>();

        @Override
        public void close(WebSocketClose close) {
            closes.add(close);
        }
    }

    private record Live(WebSocketSession session, Socket socket, AccessToken token) {
        boolean send(ClientFrame kind, long length) {
            return session.onClientFrame(kind, length);
        }

        boolean sendMessage() {
            return send(ClientFrame.MESSAGE_START, 12);
        }
    }

    private Live open(String user, String sessionId) {
        return open(user, sessionId, clock.instant());
    }

    private Live open(String user, String sessionId, Instant issuedAt) {
        TestExchange exchange = ExchangeBuilder.get("/chat").webSocketUpgrade(true).routeId("chat")
                .clientIp("203.0.113.5").clock(clock).events(events).requestId("req-" + sessionId).build();
        AccessToken token = null;
        if (user != null) {
            token = new AccessToken("https://bulwark.test", user, sessionId, "jti-" + sessionId, List.of(), null,
                    issuedAt, issuedAt.plus(TOKEN_LIFETIME), "kid-1");
            exchange.attribute(ExchangeAttributes.PRINCIPAL, new Principal(user, sessionId, token.issuer(), List.of(),
                    List.of(), null, token.expiresAt(), Principal.Method.BEARER));
            exchange.attribute(ExchangeAttributes.USER, user);
            exchange.attribute(Authenticator.ACCESS_TOKEN, token);
        }
        assertThat(Chains.run(exchange, Upstream.respond(101), chat).status()).isEqualTo(101);
        WebSocketSession session = exchange.attribute(WebSocketLimitFilter.SESSION);
        Socket socket = new Socket();
        session.open(socket);
        return new Live(session, socket, token);
    }

    /** Moves the clock, then sweeps as often as it takes to look for idle sockets too. */
    private void sweepAfter(Duration elapsed) {
        Instant now = clock.advance(elapsed);
        for (int i = 0; i < WebSocketConnections.IDLE_SCAN_EVERY; i++) {
            connections.sweep(now);
        }
    }

    @Test
    void theEleventhMessageWithinTenSecondsClosesTheSocketWith1008() {
        Live live = open(null, null);
        for (int i = 0; i < 10; i++) {
            assertThat(live.sendMessage()).as("message %d", i + 1).isTrue();
        }

        assertThat(live.sendMessage()).isFalse();

        assertThat(live.socket().closes).containsExactly(WebSocketClose.RATE_LIMITED);
        assertThat(WebSocketClose.RATE_LIMITED.code()).isEqualTo((short) 1008);
        SecurityEvent event = events.single();
        assertThat(event.reason()).isEqualTo(Reason.WEBSOCKET_RATE_LIMITED);
        assertThat(event.detail()).isEqualTo("client sent more than 10 messages per 10s on one websocket");
        assertThat(event.routeId()).isEqualTo("chat");
        assertThat(live.sendMessage()).as("nothing more is relayed once closing").isFalse();
        assertThat(events.events()).hasSize(1);
    }

    @Test
    void theRateRefillsExactlyOneMessagePerInterval() {
        Live live = open(null, null);
        for (int i = 0; i < 10; i++) {
            live.sendMessage();
        }

        clock.advance(Duration.ofSeconds(1));
        assertThat(live.sendMessage()).as("one second later, one more").isTrue();
        assertThat(live.sendMessage()).isFalse();
    }

    @Test
    void continuationFramesAreNotNewMessagesButPingsAre() {
        Live live = open(null, null);
        live.sendMessage();
        for (int i = 0; i < 20; i++) {
            assertThat(live.send(ClientFrame.CONTINUATION, 10)).isTrue();
        }
        for (int i = 0; i < 30; i++) {
            assertThat(live.send(ClientFrame.OTHER, 0)).as("pongs are free").isTrue();
        }
        for (int i = 0; i < 9; i++) {
            assertThat(live.send(ClientFrame.PING, 0)).isTrue();
        }

        assertThat(live.send(ClientFrame.PING, 0)).isFalse();
        assertThat(live.socket().closes).containsExactly(WebSocketClose.RATE_LIMITED);
    }

    @Test
    void aUsersSocketsShareTheirUserRate() {
        Live first = open("alice", "s1");
        Live second = open("alice", "s2");
        for (int i = 0; i < 8; i++) {
            assertThat(first.sendMessage()).isTrue();
        }
        for (int i = 0; i < 7; i++) {
            assertThat(second.sendMessage()).isTrue();
        }

        assertThat(second.sendMessage()).isFalse();

        assertThat(second.socket().closes).containsExactly(WebSocketClose.RATE_LIMITED);
        assertThat(first.socket().closes).isEmpty();
        assertThat(events.single().detail())
                .isEqualTo("user sent more than 15 messages per 10s over their websockets on this route");
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() {
        Live live = open(null, null);

        assertThat(live.send(ClientFrame.MESSAGE_START, 64 * 1024 + 1)).isFalse();

        assertThat(live.socket().closes).containsExactly(WebSocketClose.FRAME_TOO_BIG);
        assertThat(WebSocketClose.FRAME_TOO_BIG.code()).isEqualTo((short) 1009);
        assertThat(events.single().reason()).isEqualTo(Reason.WEBSOCKET_MESSAGE_TOO_BIG);
    }

    @Test
    void aMessageWhoseFramesAddUpOverTheLimitClosesWith1009() {
        Live live = open(null, null);
        assertThat(live.send(ClientFrame.MESSAGE_START, 64 * 1024)).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(live.send(ClientFrame.CONTINUATION, 64 * 1024)).as("up to exactly the limit").isTrue();
        }

        assertThat(live.send(ClientFrame.CONTINUATION, 1)).isFalse();

        assertThat(live.socket().closes).containsExactly(WebSocketClose.MESSAGE_TOO_BIG);
        assertThat(events.single().detail()).isEqualTo("client sent a message of more than 262144 bytes"
                + " (262145 so far)");
    }

    @Test
    void eachMessageStartsCountingAfresh() {
        Live live = open(null, null);
        for (int message = 0; message < 5; message++) {
            assertThat(live.send(ClientFrame.MESSAGE_START, 64 * 1024)).isTrue();
            assertThat(live.send(ClientFrame.CONTINUATION, 64 * 1024)).isTrue();
            assertThat(live.send(ClientFrame.CONTINUATION, 64 * 1024)).isTrue();
        }
        assertThat(live.socket().closes).isEmpty();
    }

    @Test
    void aFrameTheDecoderRefusedClosesWith1009Too() {
        Live live = open(null, null);

        live.session().onOversizedFrame();

        assertThat(live.socket().closes).containsExactly(WebSocketClose.FRAME_TOO_BIG);
        assertThat(events.single().detail()).isEqualTo("client sent a frame over the limit of 65536 bytes");
    }

    @Test
    void aSocketWithoutAMessageEitherWayForTheIdleTimeoutClosesWith1001() {
        Live live = open(null, null);
        sweepAfter(Duration.ofMinutes(9));
        live.session().onUpstreamMessage();
        sweepAfter(Duration.ofMinutes(9));
        live.sendMessage();
        sweepAfter(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(live.socket().closes).as("each message restarts the idle time").isEmpty();

        sweepAfter(Duration.ofSeconds(1));

        assertThat(live.socket().closes).containsExactly(WebSocketClose.IDLE);
        assertThat(WebSocketClose.IDLE.code()).isEqualTo((short) 1001);
        SecurityEvent event = events.single();
        assertThat(event.reason()).isEqualTo(Reason.WEBSOCKET_IDLE);
        assertThat(event.severity().label()).as("logged at info").isEqualTo("low");
        assertThat(event.detail()).isEqualTo("no message either way for 600s");
    }

    @Test
    void pingsDoNotKeepASocketFromIdling() {
        Live live = open(null, null);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(1));
            live.send(ClientFrame.PING, 0);
        }

        sweepAfter(Duration.ZERO);

        assertThat(live.socket().closes).containsExactly(WebSocketClose.IDLE);
    }

    @Test
    void aTokenThatExpiresClosesItsSocketWith1008() {
        Live live = open("erin", "s1");
        clock.advance(Duration.ofMinutes(8));
        live.session().onUpstreamMessage();
        sweepAfter(TOKEN_LIFETIME.minusMinutes(8).minusMillis(1));
        assertThat(live.socket().closes).isEmpty();

        sweepAfter(Duration.ofMillis(1));

        assertThat(live.socket().closes).containsExactly(WebSocketClose.TOKEN_EXPIRED);
        SecurityEvent event = events.single();
        assertThat(event.reason()).isEqualTo(Reason.WEBSOCKET_CREDENTIAL_ENDED);
        assertThat(event.detail()).isEqualTo("the token of this websocket expired at 2025-01-01T00:15:00Z");
    }

    @Test
    void aLogoutClosesThatSessionsSocketsAtOnceAndNoOthers() {
        Live mine = open("frank", "s1");
        Live otherDevice = open("frank", "s2");

        revocations.apply(new Revocation(1, Revocation.Kind.SESSION, "s1", clock.instant(),
                clock.instant().plus(TOKEN_LIFETIME)));

        assertThat(mine.socket().closes).containsExactly(WebSocketClose.TOKEN_REVOKED);
        assertThat(otherDevice.socket().closes).isEmpty();
        assertThat(events.single().reason()).isEqualTo(Reason.WEBSOCKET_CREDENTIAL_ENDED);
    }

    @Test
    void logoutAllClosesEveryOneOfTheUsersSocketsButNotAFreshLogin() {
        Live first = open("grace", "s1");
        Live second = open("grace", "s2");
        Live someoneElse = open("heidi", "s3");
        Instant cutoff = clock.advance(Duration.ofSeconds(5));
        Live fresh = open("grace", "s4", cutoff.plusSeconds(1));

        revocations.apply(new Revocation(1, Revocation.Kind.USER_CUTOFF, "grace", cutoff,
                cutoff.plus(TOKEN_LIFETIME)));

        assertThat(first.socket().closes).containsExactly(WebSocketClose.TOKEN_REVOKED);
        assertThat(second.socket().closes).containsExactly(WebSocketClose.TOKEN_REVOKED);
        assertThat(someoneElse.socket().closes).isEmpty();
        assertThat(fresh.socket().closes).isEmpty();
    }

    @Test
    void aCredentialRevokedWhileTheUpgradeWasInFlightClosesTheSocketAsItOpens() {
        revocations.apply(new Revocation(1, Revocation.Kind.SESSION, "s9", clock.instant(),
                clock.instant().plus(TOKEN_LIFETIME)));

        Live live = open("ivan", "s9");

        assertThat(live.socket().closes).containsExactly(WebSocketClose.TOKEN_REVOKED);
    }

    @Test
    void aSocketClosesOnceWithOneEventWhateverEndsIt() {
        Live live = open("judy", "s1");
        clock.advance(TOKEN_LIFETIME.plusMinutes(1));

        revocations.apply(new Revocation(1, Revocation.Kind.SESSION, "s1", clock.instant(),
                clock.instant().plus(TOKEN_LIFETIME)));
        sweepAfter(Duration.ZERO);
        live.sendMessage();

        assertThat(live.socket().closes).hasSize(1);
        assertThat(events.events()).hasSize(1);
    }

    @Test
    void anExpiredTokensSocketClosesOnTheNextSweepWithoutWaitingForAnIdleScan() {
        Live live = open("oscar", "s1");
        clock.advance(TOKEN_LIFETIME);

        connections.sweep(clock.instant());

        assertThat(live.socket().closes).containsExactly(WebSocketClose.TOKEN_EXPIRED);
    }

    @Test
    void anEndedSocketIsNoLongerWatched() {
        Live live = open("mallory", "s1");
        assertThat(connections.open()).isEqualTo(1);

        live.session().end();
        revocations.apply(new Revocation(1, Revocation.Kind.SESSION, "s1", clock.instant(),
                clock.instant().plus(TOKEN_LIFETIME)));
        sweepAfter(Duration.ofHours(1));

        assertThat(connections.open()).isZero();
        assertThat(live.socket().closes).isEmpty();
        assertThat(events.events()).isEmpty();
    }
}
