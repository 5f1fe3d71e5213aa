package dev.bulwark.gateway;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's own HTTP/1.1 upstream client, against an upstream that answers with scripted bytes: keep-alive
 * reuse, bodies that end with the connection, informational answers, HEAD, request framing, the connection
 * limit, and malformed or unexpected input, which must never reach the client as a response.
 */
class Http1UpstreamClientTest {

    private RawUpstream upstream;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        upstream = new RawUpstream();
        gateway = startGateway(Duration.ofSeconds(2));
    }

    /** One event loop, one connection at most, no breaker and no retries: every attempt is visible. */
    private Gateway startGateway(Duration connectTimeout) {
        return Gateway.start(BulwarkConfig.builder()
                .server(GatewayTestSupport.server().host("127.0.0.1").port(0))
                .upstream("raw", UpstreamConfig.builder().url(upstream.url())
                        .connectTimeout(connectTimeout).responseTimeout(Duration.ofSeconds(5))
                        .maxConnections(1).circuitBreaker(BreakerConfig.OFF).retry(RetryConfig.OFF))
                .route(RouteConfig.builder("all").path("/**").upstream("raw"))
                .build(), GatewayOptions.defaults().withEventLoops(1));
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        upstream.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return GatewayTestSupport.CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(gateway.baseUri().resolve(path));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return GatewayTestSupport.CLIENT.sendAsync(request(path).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends {@code /slow}, which the upstream answers only once {@code release} opens, and returns when it
     * arrived there: the gateway's one connection is busy until then. Anything else is answered "fast".
     */
    private CompletableFuture<HttpResponse<String>> holdTheOnlyConnection(CountDownLatch release)
            throws InterruptedException {
        upstream.script(request -> request.requestLine().contains("/slow")
                ? new RawUpstream.Reply(RawUpstream.ok("slow"), false, release, null)
                : RawUpstream.Reply.of(RawUpstream.ok("fast")));
        CompletableFuture<HttpResponse<String>> slow = getAsync("/slow");
        upstream.next();
        return slow;
    }

    @Test
    void requestsShareOneKeptAliveConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/items/" + i).body()).isEqualTo("ok");
        }

        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void requestHeadCarriesTheUpstreamHostTheClientFieldsAndTheForwardingFields() throws Exception {
        send(request("/orders/7?page=2").header("Authorization", "Bearer abc.def.ghi")
                .header("X-Forwarded-For", "6.6.6.6").GET());

        RawUpstream.Request received = upstream.next();
        assertThat(received.requestLine()).isEqualTo("GET /orders/7?page=2 HTTP/1.1");
        assertThat(received.header("Host")).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(received.header("Authorization")).isEqualTo("Bearer abc.def.ghi");
        // Replaced, not appended to: the client is not a trusted proxy.
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + gateway.baseUri().getPort());
        assertThat(received.header("Forwarded")).startsWith("for=127.0.0.1;host=");
        assertThat(received.header("X-Request-Id")).isNotBlank();
        assertThat(received.head()).doesNotContainIgnoringCase("connection:");
    }

    @Test
    void bodyOfUnknownLengthIsSentChunkedAndADeclaredOneAsDeclared() throws Exception {
        HttpResponse<String> chunked = send(request("/upload").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream("streamed body".getBytes()))));
        RawUpstream.Request first = upstream.next();
        HttpResponse<String> declared = send(request("/upload").POST(HttpRequest.BodyPublishers.ofString("fixed")));
        RawUpstream.Request second = upstream.next();

        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(first.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(first.header("Content-Length")).isNull();
        assertThat(first.body()).isEqualTo("streamed body");
        assertThat(declared.statusCode()).isEqualTo(200);
        assertThat(second.header("Content-Length")).isEqualTo("5");
        assertThat(second.header("Transfer-Encoding")).isNull();
        assertThat(second.body()).isEqualTo("fixed");
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void bodyFollowedByCloseArrivesWholeAndTheNextRequestConnectsAgain() throws Exception {
        upstream.script(request -> RawUpstream.Reply.closing(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"));
        HttpResponse<String> closed = get("/a");
        upstream.script(request -> RawUpstream.Reply.of(RawUpstream.ok("again")));
        HttpResponse<String> next = get("/b");

        assertThat(closed.body()).isEqualTo("hello");
        assertThat(closed.headers().firstValue("Connection")).isEmpty();
        assertThat(next.body()).isEqualTo("again");
        assertThat(upstream.connections.get()).isEqualTo(2);
    }

    @Test
    void bodyDelimitedByTheConnectionClosingArrivesWhole() throws Exception {
        String body = "x".repeat(200_000);
        upstream.script(request -> RawUpstream.Reply.closing("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                + body));

        HttpResponse<String> response = get("/stream");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(body.length()).isEqualTo(body);
    }

    @Test
    void informationalAnswersAreSkippedForTheFinalOne() throws Exception {
        upstream.script(request -> RawUpstream.Reply.of(request.requestLine().contains("/hints")
                ? "HTTP/1.1 103 Early Hints\r\nLink: </app.css>\r\n\r\n" + "HTTP/1.1 100 Continue\r\n\r\n"
                        + RawUpstream.ok("final")
                : RawUpstream.ok("ok")));

        HttpResponse<String> response = get("/hints");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("final");
        assertThat(get("/after").body()).isEqualTo("ok");
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void headAnswerWithALengthButNoBodyLeavesTheConnectionUsable() throws Exception {
        upstream.script(request -> RawUpstream.Reply.of(request.requestLine().startsWith("HEAD")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n" : RawUpstream.ok("body")));

        HttpResponse<String> head = send(request("/file").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> get = get("/file");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue("1234");
        assertThat(get.body()).isEqualTo("body");
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void malformedAnswersGive502AndNeverReachTheClient() throws Exception {
        String[] malformed = {
                "HTTP/1.1 200 OK\r\nBad\u0001Name: x\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nX-Value: a\u0000b\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nok",
                "HTTP/1.1 999999999999 OK\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(9000) + "\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nX-Split: a\r\n\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok",
                "NOT-HTTP garbage\r\n\r\n",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\nConnection: upgrade\r\n\r\n",
        };
        for (String answer : malformed) {
            upstream.script(request -> RawUpstream.Reply.closing(answer));

            HttpResponse<String> response = get("/malformed");

            assertThat(response.statusCode()).as(answer).isEqualTo(502);
            assertThat(response.headers().allValues("Set-Cookie")).as(answer).isEmpty();
            assertThat(response.headers().firstValue("Upgrade")).as(answer).isEmpty();
        }
        upstream.script(request -> RawUpstream.Reply.of(RawUpstream.ok("healthy")));
        assertThat(get("/after").body()).isEqualTo("healthy");
    }

    @Test
    void bytesOnAnIdleConnectionRetireItInsteadOfAnsweringTheNextRequest() throws Exception {
        upstream.script(request -> new RawUpstream.Reply(RawUpstream.ok("first"), false, null,
                "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"));
        assertThat(get("/first").body()).isEqualTo("first");
        assertThat(upstream.idleBytesSent.await(10, TimeUnit.SECONDS)).isTrue();
        upstream.script(request -> RawUpstream.Reply.of(RawUpstream.ok("second")));

        HttpResponse<String> second = get("/second");

        assertThat(second.body()).isEqualTo("second");
        assertThat(upstream.connections.get()).isEqualTo(2);
    }

    @Test
    void bodyCutShortOrMalformedIsNotPassedOffAsComplete() throws Exception {
        String[] broken = {
                "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "y".repeat(50_000),
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        };
        for (String answer : broken) {
            upstream.script(request -> RawUpstream.Reply.closing(answer));

            // The head was good and may have gone out: the client's connection is cut instead of the body ended.
            assertThatThrownBy(() -> get("/truncated")).as(answer).isInstanceOf(IOException.class);
        }
    }

    @Test
    void requestsBeyondTheConnectionLimitWaitForTheConnectionToComeFree() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> slow = holdTheOnlyConnection(release);
        CompletableFuture<HttpResponse<String>> waiting = getAsync("/fast");

        assertThat(upstream.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        release.countDown();

        assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow");
        assertThat(waiting.get(10, TimeUnit.SECONDS).body()).isEqualTo("fast");
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void waitingForABusyConnectionLongerThanTheConnectTimeoutGives502() throws Exception {
        gateway.close();
        gateway = startGateway(Duration.ofMillis(300));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> slow = holdTheOnlyConnection(release);

        HttpResponse<String> waited = get("/fast");
        release.countDown();

        assertThat(waited.statusCode()).isEqualTo(502);
        assertThat(waited.body()).contains("unreachable");
        assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow");
        assertThat(upstream.received).isEmpty();
    }
}
