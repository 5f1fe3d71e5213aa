package dev.bulwark.gateway;

import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.bulwark.gateway.GatewayTestSupport.API_KEY;
import static dev.bulwark.gateway.GatewayTestSupport.BEARER;
import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static dev.bulwark.gateway.GatewayTestSupport.COOKIE;
import static dev.bulwark.gateway.GatewayTestSupport.SECRET_QUERY;
import static dev.bulwark.gateway.GatewayTestSupport.SIGNATURE;
import static dev.bulwark.gateway.GatewayTestSupport.get;
import static dev.bulwark.gateway.GatewayTestSupport.rawGet;
import static dev.bulwark.gateway.GatewayTestSupport.withSecrets;
import static org.assertj.core.api.Assertions.assertThat;

class ProxyForwardingTest {

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .upstream("dead", UpstreamConfig.builder().url("http://127.0.0.1:" + deadPort)
                        .connectTimeout(Duration.ofSeconds(1)))
                .upstream("slow", UpstreamConfig.builder().url(upstream.url())
                        .responseTimeout(Duration.ofMillis(300)))
                .route(RouteConfig.builder("admin").path("/admin/**").upstream("backend"))
                .route(RouteConfig.builder("upload").path("/upload/**").upstream("backend")
                        .inline(PolicyConfig.builder().bodyLimit(1024)))
                .route(RouteConfig.builder("dead").path("/dead/**").upstream("dead"))
                .route(RouteConfig.builder("slow").path("/hang").upstream("slow"))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend"))
                .build(), GatewayOptions.defaults().withEventLoops(2));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() throws InterruptedException {
        while (!upstream.nothingReceived()) {
            upstream.next();
        }
    }

    @Test
    void allowedRequestReachesTheBackendWithItsPathQueryAndHeaders() throws Exception {
        HttpResponse<String> response = get(gateway, "/api/orders/42?" + SECRET_QUERY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"path\":\"/api/orders/42\"");
        TestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/api/orders/42");
        assertThat(received.query()).isEqualTo(SECRET_QUERY);
        assertThat(received.header("Authorization")).isEqualTo(BEARER);
        assertThat(received.header("Cookie")).isEqualTo(COOKIE);
        assertThat(received.header("X-Api-Key")).isEqualTo(API_KEY);
        assertThat(received.header("X-Hub-Signature-256")).isEqualTo(SIGNATURE);
        assertThat(received.header("X-Request-Id")).isNotBlank();
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue(received.header("X-Request-Id"));
    }

    @Test
    void postBodyIsStreamedToTheBackendIntact() throws Exception {
        String body = "{\"item\":\"coffee\",\"quantity\":2}";
        HttpResponse<String> response = CLIENT.send(withSecrets(gateway.baseUri().resolve("/api/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.bodyBytes()).isEqualTo(body.length());
        assertThat(received.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void upstreamResponseIsHardenedOnTheWayBack() throws Exception {
        HttpResponse<String> response = get(gateway, "/api/profile");

        assertThat(response.headers().firstValue("Set-Cookie")).hasValue(TestUpstream.UPSTREAM_COOKIE);
        assertThat(response.headers().firstValue("X-Powered-By")).isEmpty();
        assertThat(response.headers().firstValue("X-Internal-Hop")).isEmpty();
        assertThat(response.headers().firstValue("Keep-Alive")).isEmpty();
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void hopByHopRequestHeadersNeverReachTheBackend() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /api/hop HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\nConnection: X-Secret-Hop\r\nX-Secret-Hop: internal\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic sEcReT-proxy-credentials\r\nTE: gzip\r\nProxy-Connection: keep-alive\r\n"
                + "\r\n");

        assertThat(reply.status()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.headers()).doesNotContainKeys("x-secret-hop", "keep-alive", "proxy-authorization",
                "te", "proxy-connection");
    }

    @Test
    void teTrailersReachesTheBackendForGrpcStyleUpstreamsEvenWhenConnectionNamesIt() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /api/hop HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\nConnection: TE\r\nTE: trailers\r\n\r\n");

        assertThat(reply.status()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.header("TE")).isEqualTo("trailers");
    }

    @Test
    void closeAmongOtherConnectionOptionsClosesTheConnectionAfterTheResponse() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /api/hop HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close, TE\r\nTE: trailers\r\n\r\n");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Connection")).isEqualTo("close");
        assertThat(upstream.next().header("TE")).isEqualTo("trailers");
    }

    @Test
    void aNonWebSocketUpgradeRequestIsForwardedWithoutItsUpgradeHeaders() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /api/hop HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\nConnection: Upgrade\r\nUpgrade: spdy/3\r\nTrailer: X-Checksum\r\n\r\n");

        assertThat(reply.status()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.headers()).doesNotContainKeys("upgrade", "trailer");
        assertThat(received.header("Connection")).isNotEqualToIgnoringCase("upgrade");
    }

    @Test
    void forwardedHeadersNameTheSocketPeerAndIgnoreWhatAnUntrustedClientClaims() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /api/whoami HTTP/1.1\r\nHost: shop.example\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6;proto=https\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: evil.example\r\n\r\n");

        assertThat(reply.status()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(received.header("Forwarded")).isEqualTo("for=127.0.0.1;host=\"shop.example\";proto=http");
        assertThat(reply.hasHeader("Strict-Transport-Security")).isFalse();
    }

    @Test
    void unmatchedPathGetsA404Problem() throws Exception {
        HttpResponse<String> response = get(gateway, "/nowhere?" + SECRET_QUERY);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("urn:bulwark:problem:route-not-found").contains("\"requestId\":");
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void dotSegmentsResolveBeforeMatchingSoTheAdminPolicyApplies() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), rawGet("/api/../admin/users"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(upstream.next().path()).isEqualTo("/admin/users");
    }

    @Test
    void pathTricksAreRefusedOrCanonicalisedNeverForwardedRaw() throws Exception {
        for (String attack : new String[] {"/api/%2e%2e/admin", "/api/..%2Fadmin", "/api%2F..%2Fadmin",
                "/..;/admin", "/api/%252e%252e/admin", "/api/..\\admin", "/../../etc/passwd"}) {
            RawHttp.Reply reply = RawHttp.send(gateway.port(), rawGet(attack + "?" + SECRET_QUERY));
            if (reply.status() == 200) {
                assertThat(upstream.next().path()).as(attack).doesNotContain("..").doesNotContain("%2");
            } else {
                assertThat(reply.status()).as(attack).isIn(400, 404);
                assertThat(reply.header("Content-Type")).as(attack).isEqualTo("application/problem+json");
            }
        }
        RawHttp.Reply doubleSlash = RawHttp.send(gateway.port(), rawGet("//ADMIN//users"));
        assertThat(doubleSlash.status()).isEqualTo(200);
        assertThat(upstream.next().path()).isEqualTo("/ADMIN/users");
    }

    @Test
    void unreachableUpstreamGivesA502Problem() throws Exception {
        HttpResponse<String> response = get(gateway, "/dead/thing");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("urn:bulwark:problem:upstream-unavailable");
    }

    @Test
    void silentUpstreamGivesA504Problem() throws Exception {
        HttpResponse<String> response = get(gateway, "/hang");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("urn:bulwark:problem:upstream-timeout");
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedBeforeTheUpstreamSeesIt() throws Exception {
        HttpResponse<String> response = CLIENT.send(withSecrets(gateway.baseUri().resolve("/upload/file"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("urn:bulwark:problem:body-too-large");
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void chunkedBodyOverTheLimitIsCutOffWhileStreaming() throws Exception {
        String chunk = "x".repeat(512);
        StringBuilder request = new StringBuilder("POST /upload/stream HTTP/1.1\r\nHost: localhost\r\n"
                + "Transfer-Encoding: chunked\r\nAuthorization: " + BEARER + "\r\n\r\n");
        for (int i = 0; i < 8; i++) {
            request.append("200\r\n").append(chunk).append("\r\n");
        }
        request.append("0\r\n\r\n");

        RawHttp.Reply reply = RawHttp.send(gateway.port(), request.toString());

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body()).contains("urn:bulwark:problem:body-too-large");
        // The upstream request was reset: it either never completed or carried at most the limit.
        if (!upstream.nothingReceived()) {
            assertThat(upstream.next().bodyBytes()).isLessThanOrEqualTo(1024);
        }
    }

    @Test
    void invalidContentLengthIsRefusedAsMalformed() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "POST /api/x HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 5, 7\r\n\r\nhello");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(upstream.nothingReceived()).isTrue();
    }
}
