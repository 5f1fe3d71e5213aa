package dev.bulwark.gateway;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryConfig;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static dev.bulwark.gateway.GatewayTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Circuit breakers, retries and per-upstream concurrency limits on the wire: a real client, a real gateway and a
 * real, misbehaving upstream; the breaker's time from a fake clock.
 */
class UpstreamResilienceTest {

    private final FakeClock clock = new FakeClock();
    private final RecordingEventSink events = new RecordingEventSink();
    private ScriptedUpstream upstream;
    private Gateway gateway;

    @BeforeEach
    void startUpstream() {
        upstream = new ScriptedUpstream(0);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private void start(UnaryOperator<UpstreamConfig.Builder> backend, LoadSheddingConfig shedding) {
        start(backend, shedding, upstream.url());
    }

    private void start(UnaryOperator<UpstreamConfig.Builder> backend, LoadSheddingConfig shedding, String url) {
        BulwarkConfig config = BulwarkConfig.builder()
                .server(GatewayTestSupport.server().host("127.0.0.1").port(0))
                .upstream("backend", backend.apply(UpstreamConfig.builder().url(url)
                        .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5))))
                .loadShedding(shedding)
                .route(RouteConfig.builder("api").path("/**").upstream("backend"))
                .build();
        gateway = Gateway.start(config, GatewayOptions.defaults().withClock(clock).withEvents(events)
                .withEventLoops(2));
    }

    private static UnaryOperator<UpstreamConfig.Builder> breaker(int minimumCalls) {
        return backend -> backend.retry(RetryConfig.OFF).circuitBreaker(BreakerConfig.builder()
                .minimumCalls(minimumCalls).failureRate(50).window(Duration.ofSeconds(10))
                .openFor(Duration.ofSeconds(30)).halfOpenCalls(2).build());
    }

    @Test
    void anOpenBreakerAnswers503WithRetryAfterWithoutTouchingTheUpstreamThenRecoversThroughHalfOpen()
            throws Exception {
        start(breaker(4), null);
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> failing = get(gateway, "/status/503");
            assertThat(failing.statusCode()).isEqualTo(503);
            assertThat(failing.body()).as("the upstream's own answer").isEqualTo("scripted");
        }

        HttpResponse<String> refused = get(gateway, "/ok");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"type\":\"urn:bulwark:problem:upstream-circuit-open\"",
                "upstream backend is failing; its circuit breaker is open, retry after 30 s", "\"requestId\":");
        assertThat(upstream.arrivals("/ok")).as("no connection while open").isZero();
        assertThat(transitions()).containsExactly("upstream backend: circuit closed -> open (failure rate 100.0 %,"
                + " slow call rate 0.0 % of 4 calls; stays open 30000 ms)");
        assertThat(events.reasons()).contains(Reason.UPSTREAM_CIRCUIT_OPEN);
        assertThat(circuitGauge("open")).isEqualTo("1.0");
        assertThat(circuitGauge("closed")).isEqualTo("0.0");
        HttpResponse<String> ready = get(gateway, "/_bulwark/health/ready");
        assertThat(ready.statusCode()).as("an open breaker does not take the node out of rotation").isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"DEGRADED\"", "\"circuits\":{\"backend\":\"open\"}");

        clock.advance(Duration.ofSeconds(20));
        assertThat(get(gateway, "/ok").headers().firstValue("Retry-After")).as("the time it stays open").hasValue("10");

        clock.advance(Duration.ofSeconds(11));
        assertThat(get(gateway, "/ok").statusCode()).as("a trial call").isEqualTo(200);
        assertThat(get(gateway, "/_bulwark/health/ready").body()).contains("\"circuits\":{\"backend\":\"half_open\"}");
        assertThat(circuitGauge("half_open")).isEqualTo("1.0");
        assertThat(get(gateway, "/ok").statusCode()).isEqualTo(200);

        assertThat(transitions()).containsExactly(
                "upstream backend: circuit closed -> open (failure rate 100.0 %, slow call rate 0.0 % of 4 calls;"
                        + " stays open 30000 ms)",
                "upstream backend: circuit open -> half_open",
                "upstream backend: circuit half_open -> closed");
        assertThat(upstream.arrivals("/ok")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(3));
        HttpResponse<String> recovered = get(gateway, "/_bulwark/health/ready");
        assertThat(recovered.body()).contains("\"status\":\"UP\"", "\"circuits\":{\"backend\":\"closed\"}");
        assertThat(circuitGauge("closed")).isEqualTo("1.0");
    }

    @Test
    void connectFailuresOpenTheBreakerToo() throws Exception {
        start(breaker(2), null, "http://127.0.0.1:" + closedPort());

        assertThat(get(gateway, "/a").statusCode()).isEqualTo(502);
        assertThat(get(gateway, "/a").statusCode()).isEqualTo(502);
        HttpResponse<String> refused = get(gateway, "/a");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("upstream-circuit-open");
    }

    @Test
    void clientsThatAbandonTheirUploadsCannotOpenTheBreaker() throws Exception {
        start(backend -> breaker(4).apply(backend).maxConcurrent(10), null);

        for (int i = 1; i <= 4; i++) {
            try (Socket client = new Socket("127.0.0.1", gateway.baseUri().getPort())) {
                client.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
                        + "\r\nonly part of it").getBytes(StandardCharsets.US_ASCII));
                int arrived = i;
                await(() -> upstream.arrivals("/upload") == arrived);
            }
            await(() -> "0.0".equals(metric("bulwark_upstream_inflight_requests", "upstream=\"backend\"")));
        }

        assertThat(get(gateway, "/ok").statusCode()).as("the upstream never failed").isEqualTo(200);
        assertThat(transitions()).isEmpty();
    }

    @Test
    void aClientsSlowUploadIsNotCountedAsASlowUpstreamCall() throws Exception {
        start(backend -> backend.retry(RetryConfig.OFF).circuitBreaker(BreakerConfig.builder().minimumCalls(2)
                .slowCallDuration(Duration.ofMillis(300)).slowCallRate(50).window(Duration.ofSeconds(10))
                .openFor(Duration.ofSeconds(30)).build()), null);

        for (int i = 0; i < 2; i++) {
            try (Socket client = new Socket("127.0.0.1", gateway.baseUri().getPort())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n"
                        + "Connection: close\r\n\r\nfirst").getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                Thread.sleep(500); // a client on a slow link: real time is what the breaker measures
                client.getOutputStream().write("-half".getBytes(StandardCharsets.US_ASCII));
                String head = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(head).isEqualTo("HTTP/1.1 200");
            }
        }

        assertThat(get(gateway, "/ok").statusCode()).as("the upstream answered every call at once").isEqualTo(200);
        assertThat(transitions()).isEmpty();
    }

    @Test
    void anIdempotentGetSurvivesAConnectionLostBeforeTheResponse() throws Exception {
        start(backend -> backend.circuitBreaker(BreakerConfig.OFF), null);

        HttpResponse<String> response = get(gateway, "/reset-once/a");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(upstream.arrivals("/reset-once/a")).isEqualTo(2);
        assertThat(metric("bulwark_upstream_retries_total", "result=\"attempted\"")).isEqualTo("1.0");
    }

    @Test
    void aPostOrARequestWithABodyIsNeverRetried() throws Exception {
        start(backend -> backend.circuitBreaker(BreakerConfig.OFF), null);

        HttpResponse<String> post = send(HttpRequest.newBuilder(gateway.baseUri().resolve("/reset-once/post"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"order\":1}")));
        HttpResponse<String> put = send(HttpRequest.newBuilder(gateway.baseUri().resolve("/reset-once/put"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"order\":1}")));

        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(post.body()).contains("urn:bulwark:problem:upstream-unavailable");
        assertThat(upstream.arrivals("/reset-once/post")).isEqualTo(1);
        assertThat(put.statusCode()).isEqualTo(502);
        assertThat(upstream.arrivals("/reset-once/put")).isEqualTo(1);
    }

    @Test
    void retriesStopOnceTheBudgetIsSpent() throws Exception {
        // No share of requests and no floor: only the reserve of 10 retries a fresh budget holds.
        start(backend -> backend.circuitBreaker(BreakerConfig.OFF).retry(RetryConfig.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).budget(0).minPerSecond(0).build()),
                null);

        for (int i = 0; i < 8; i++) {
            assertThat(get(gateway, "/reset/x").statusCode()).isEqualTo(502);
        }

        assertThat(upstream.arrivals("/reset/x")).as("8 first tries and 10 retries, two for each of the first 5").isEqualTo(18);
        assertThat(metric("bulwark_upstream_retries_total", "result=\"attempted\"")).isEqualTo("10.0");
        assertThat(metric("bulwark_upstream_retries_total", "result=\"budget_exhausted\"")).isEqualTo("3.0");
    }

    @Test
    void anUpstreamLimitQueuesOneRequestAndShedsTheNextWithRetryAfter() throws Exception {
        start(backend -> backend.maxConcurrent(1).queue(1),
                LoadSheddingConfig.builder().queueTimeout(Duration.ofSeconds(10)).build());
        CompletableFuture<HttpResponse<String>> first = sendAsync("/gate/1");
        await(() -> upstream.waitingAtGate() == 1);
        CompletableFuture<HttpResponse<String>> second = sendAsync("/gate/2");
        await(() -> "1.0".equals(metric("bulwark_upstream_queued_requests", "upstream=\"backend\"")));

        HttpResponse<String> third = get(gateway, "/gate/3");

        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(third.body()).contains("\"type\":\"urn:bulwark:problem:load-shed\"",
                "upstream backend is overloaded; retry after 2 s");
        assertThat(upstream.arrivals("/gate/3")).isZero();
        assertThat(metric("bulwark_upstream_shed_requests_total", "priority=\"normal\"")).isEqualTo("1.0");
        assertThat(events.reasons()).containsOnlyOnce(Reason.LOAD_SHED);

        upstream.openGate();
        assertThat(first.get().statusCode()).isEqualTo(200);
        await(() -> upstream.waitingAtGate() == 1);
        upstream.openGate();
        assertThat(second.get().statusCode()).isEqualTo(200);
        await(() -> "0.0".equals(metric("bulwark_upstream_inflight_requests", "upstream=\"backend\"")));
    }

    @Test
    void anUpstreamSlotIsHeldUntilAStreamedBodyIsRelayedThenGivenBack() throws Exception {
        start(backend -> backend.maxConcurrent(1).queue(0), null);

        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> big = CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/big/" + i))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(big.statusCode()).as("no queue: a slot still held would shed this one").isEqualTo(200);
            assertThat(big.body()).hasSize(1024 * 1024);
            await(() -> "0.0".equals(metric("bulwark_upstream_inflight_requests", "upstream=\"backend\"")));
        }
    }

    @Test
    void aRequestWaitingForTheGlobalLimitIsShedAfterTheQueueTimeout() throws Exception {
        start(backend -> backend, LoadSheddingConfig.builder().maxConcurrent(1).queue(5)
                .queueTimeout(Duration.ofMillis(300)).build());
        CompletableFuture<HttpResponse<String>> holder = sendAsync("/gate/1");
        await(() -> upstream.waitingAtGate() == 1);

        long started = System.nanoTime();
        HttpResponse<String> waited = get(gateway, "/ok");
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(waited.statusCode()).isEqualTo(503);
        assertThat(waited.body()).contains("urn:bulwark:problem:load-shed", "the gateway is overloaded");
        assertThat(waited.headers().firstValue("X-Request-Id")).as("answered through the fallback chain").isPresent();
        assertThat(waitedMillis).isBetween(250L, 3_000L);
        assertThat(events.events()).filteredOn(event -> event.reason() == Reason.LOAD_SHED)
                .extracting(SecurityEvent::detail).singleElement().asString()
                .endsWith("the latest because it waited 300 ms in the queue");
        upstream.openGate();
        assertThat(holder.get().statusCode()).isEqualTo(200);
        assertThat(get(gateway, "/ok").statusCode()).isEqualTo(200);
    }

    private List<String> transitions() {
        return events.events().stream().filter(event -> event.reason() == Reason.UPSTREAM_CIRCUIT_STATE)
                .map(SecurityEvent::detail).toList();
    }

    private String circuitGauge(String state) {
        return metric("bulwark_upstream_circuit_state", "state=\"" + state + "\"");
    }

    /** @return the value of the first series of {@code name} whose labels contain {@code label}, or null */
    private String metric(String name, String label) {
        for (String line : gateway.meterRegistry().scrape().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                return line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return null;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(gateway.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
