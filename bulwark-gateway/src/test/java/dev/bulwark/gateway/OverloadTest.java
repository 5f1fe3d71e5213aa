package dev.bulwark.gateway;

import dev.bulwark.api.Reason;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overload the issue asks for: a slow upstream (300 ms an answer), a flood of bulk requests far above the
 * gateway's limit from 200 connections for three seconds, and meanwhile health checks and logins that must still
 * be answered in time. Everything on 127.0.0.1, bounded in time and count.
 */
class OverloadTest {

    private static final int FLOOD_CONNECTIONS = 200;
    private static final long FLOOD_MILLIS = 3_000;
    private static final long SLOW_MILLIS = 300;
    private static final long FLOOD_PAUSE_MILLIS = 20;
    /** How long a login may take before its client gives up. */
    private static final long LOGIN_TIMEOUT_MILLIS = 3_000;
    /** How long a health check may take before the probe counts it as failed. */
    private static final long HEALTH_TIMEOUT_MILLIS = 3_000;

    private final RecordingEventSink events = new RecordingEventSink();
    private ScriptedUpstream upstream;
    private Gateway gateway;
    private Vertx floodClients;
    private Vertx probeClients;

    @AfterEach
    void stop() {
        for (Vertx clients : new Vertx[] {floodClients, probeClients}) {
            if (clients != null) {
                clients.close().toCompletionStage().toCompletableFuture().join();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aBulkFloodIsShedWhileHealthChecksAndLoginsAreAnsweredInTimeAndHeapAndThreadsStayFlat() throws Exception {
        upstream = new ScriptedUpstream(SLOW_MILLIS);
        // 40 at once: bulk may hold 20, logins 38, health checks all 40.
        gateway = Gateway.start(BulwarkConfig.builder()
                // The tests' access log is synchronous console output: it would measure the test's logging.
                .server(GatewayTestSupport.server().host("127.0.0.1").port(0).accessLog(false))
                .upstream("backend", UpstreamConfig.builder().url(upstream.url())
                        .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)))
                .loadShedding(LoadSheddingConfig.builder().maxConcurrent(40).queue(20)
                        .queueTimeout(Duration.ofMillis(500)).retryAfter(Duration.ofSeconds(2)).build())
                .route(RouteConfig.builder("export").path("/slow/export/**").upstream("backend")
                        .inline(PolicyConfig.builder().priority(Priority.BULK)))
                .route(RouteConfig.builder("login").path("/slow/login/**").upstream("backend")
                        .inline(PolicyConfig.builder().priority(Priority.HIGH)))
                .build(), GatewayOptions.defaults().withEvents(events).withEventLoops(2));
        // The probes have an event loop of their own: what they measure is the gateway, not the flood's client.
        floodClients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        probeClients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClientAgent flood = floodClients.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(FLOOD_CONNECTIONS));
        HttpClientAgent probes = probeClients.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(8));
        for (String path : List.of("/slow/export/warm", "/slow/login/warm", "/_bulwark/health/live",
                "/_bulwark/health/ready", "/_bulwark/metrics")) {
            assertThat(call(probes, path, LOGIN_TIMEOUT_MILLIS).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).status).isEqualTo(200);
        }
        // A first, shorter flood: compiles the hot paths and opens the connections before anything is measured.
        CountDownLatch warmedUp = new CountDownLatch(FLOOD_CONNECTIONS);
        long warmUpEnd = System.nanoTime() + 1_500_000_000L;
        for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
            floodFrom(flood, warmUpEnd, new AtomicInteger(), new AtomicInteger(), new ConcurrentLinkedQueue<>(),
                    warmedUp);
        }
        assertThat(warmedUp.await(15, TimeUnit.SECONDS)).isTrue();
        awaitMetric("bulwark_inflight_requests 0.0");
        events.clear();
        int shedBefore = shedSoFar();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long heapBefore = heapAfterGc(memory);
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();

        AtomicInteger bulkServed = new AtomicInteger();
        AtomicInteger bulkShed = new AtomicInteger();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + FLOOD_MILLIS * 1_000_000;
        CountDownLatch floodDone = new CountDownLatch(FLOOD_CONNECTIONS);
        for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
            floodFrom(flood, deadline, bulkServed, bulkShed, unexpected, floodDone);
        }
        Queue<Answer> logins = new ConcurrentLinkedQueue<>();
        Queue<Answer> healthChecks = new ConcurrentLinkedQueue<>();
        Thread.sleep(300);
        while (System.nanoTime() < deadline - 400_000_000L) {
            call(probes, "/slow/login/user", LOGIN_TIMEOUT_MILLIS).onComplete(done -> logins.add(answer(done)));
            call(probes, "/_bulwark/health/live", HEALTH_TIMEOUT_MILLIS)
                    .onComplete(done -> healthChecks.add(answer(done)));
            call(probes, "/_bulwark/health/ready", HEALTH_TIMEOUT_MILLIS)
                    .onComplete(done -> healthChecks.add(answer(done)));
            Thread.sleep(100);
        }
        assertThat(floodDone.await(15, TimeUnit.SECONDS)).as("the flood ended").isTrue();
        awaitMetric("bulwark_inflight_requests 0.0");
        awaitMetric("bulwark_queued_requests 0.0");
        long heapAfter = heapAfterGc(memory);
        int threadsAfter = threads.getThreadCount();
        int threadsPeak = threads.getPeakThreadCount();

        long shedEvents = events.reasons().stream().filter(Reason.LOAD_SHED::equals).count();
        System.out.printf("overload: %d bulk served, %d shed, %d logins (max %d ms), %d health checks (max %d ms),"
                        + " %d LOAD_SHED events, heap %d -> %d KiB, threads %d -> %d (peak %d)%n",
                bulkServed.get(), bulkShed.get(), logins.size(), max(logins), healthChecks.size(), max(healthChecks),
                shedEvents, heapBefore / 1024, heapAfter / 1024, threadsBefore, threadsAfter, threadsPeak);
        assertThat(unexpected).as("bulk requests get 200, or 503 load-shed with Retry-After").isEmpty();
        assertThat(bulkShed.get()).as("the flood is far above the limit").isGreaterThan(3 * bulkServed.get());
        assertThat(bulkServed.get()).as("bulk still gets its share").isGreaterThanOrEqualTo(20);
        assertThat(logins).as("every login answered within its timeout (-1: timed out)")
                .hasSizeGreaterThanOrEqualTo(15).allSatisfy(login -> assertThat(login.status).isEqualTo(200));
        assertThat(healthChecks).as("every health check answered within its timeout (-1: timed out)")
                .hasSizeGreaterThanOrEqualTo(30).allSatisfy(check -> assertThat(check.status).isEqualTo(200));
        String metrics = gateway.meterRegistry().scrape();
        assertThat(shedSoFar() - shedBefore).as("every shed request counted").isEqualTo(bulkShed.get());
        assertThat(metrics).contains("bulwark_shed_requests_total{priority=\"high\"} 0.0")
                .contains("bulwark_shed_requests_total{priority=\"critical\"} 0.0");
        assertThat(shedEvents).as("one summary a second, not one line per shed request").isBetween(1L, 6L);
        assertThat(heapAfter - heapBefore).as("heap growth across the flood, bytes (before: %d, after: %d)",
                heapBefore, heapAfter).isLessThan(32L * 1024 * 1024);
        assertThat(threadsAfter).as("threads after the flood").isLessThanOrEqualTo(threadsBefore + 2);
        assertThat(threadsPeak).as("threads during the flood").isLessThanOrEqualTo(threadsBefore + 4);
    }

    /** One connection's worth of flood: a bulk request, and the next as soon as it is answered, until the deadline. */
    private void floodFrom(HttpClientAgent client, long deadline, AtomicInteger served, AtomicInteger shed,
                           Queue<String> unexpected, CountDownLatch done) {
        if (System.nanoTime() >= deadline) {
            done.countDown();
            return;
        }
        client.request(options("/slow/export/report"))
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() == 200) {
                        served.incrementAndGet();
                    } else if (response.statusCode() == 503 && "2".equals(response.getHeader("Retry-After"))
                            && body.toString().contains("urn:bulwark:problem:load-shed")) {
                        shed.incrementAndGet();
                    } else {
                        unexpected.add(response.statusCode() + " " + body);
                    }
                    return null;
                }))
                .onComplete(finished -> {
                    if (finished.failed()) {
                        unexpected.add(finished.cause().toString());
                    }
                    // Ignores Retry-After, as a flood does; the short pause keeps the test's own client from
                    // taking the CPU the gateway needs on a two-core machine.
                    floodClients.setTimer(FLOOD_PAUSE_MILLIS,
                            fired -> floodFrom(client, deadline, served, shed, unexpected, done));
                });
    }

    /** @return the status and time of a GET, failed when it takes longer than {@code timeoutMillis} */
    private Future<Answer> call(HttpClientAgent client, String path, long timeoutMillis) {
        long started = System.nanoTime();
        return client.request(options(path).setTimeout(timeoutMillis))
                .compose(request -> request.send())
                .compose(response -> response.body().map(body ->
                        new Answer(response.statusCode(), (System.nanoTime() - started) / 1_000_000)));
    }

    private RequestOptions options(String path) {
        return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gateway.port())
                .setURI(path);
    }

    private static Answer answer(io.vertx.core.AsyncResult<Answer> done) {
        return done.succeeded() ? done.result() : new Answer(-1, Long.MAX_VALUE);
    }

    private int shedSoFar() {
        String prefix = "bulwark_shed_requests_total{priority=\"bulk\"} ";
        for (String line : gateway.meterRegistry().scrape().split("\n")) {
            if (line.startsWith(prefix)) {
                return (int) Double.parseDouble(line.substring(prefix.length()));
            }
        }
        return 0;
    }

    private void awaitMetric(String line) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!gateway.meterRegistry().scrape().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("metrics never showed " + line);
            }
            Thread.sleep(20);
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }

    private static long max(Queue<Answer> answers) {
        return answers.stream().mapToLong(Answer::millis).max().orElse(0);
    }

    private record Answer(int status, long millis) {
    }
}
