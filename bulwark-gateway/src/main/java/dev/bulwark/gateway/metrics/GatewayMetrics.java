package dev.bulwark.gateway.metrics;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.shedding.ConcurrencyLimiter;
import dev.bulwark.core.shedding.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics: {@code http_requests_total}, {@code http_request_duration_seconds},
 * {@code http_errors_total} and {@code security_events_total}, plus the load-shedding and upstream-resilience
 * families ({@code bulwark_*}: in-flight and queued requests, shed requests, circuit states, retries), and the
 * WebSocket ones ({@code websocket_connections_active}, {@code websocket_closes_total}).
 *
 * <p>Tags are bounded: the route id (never the path), the method folded to a known set, the status code.
 * Meters are looked up once per (route, method, status) and cached in arrays, so recording a request costs
 * two array reads and two atomic adds. Thread-safe; also a {@link SecurityEventSink} counting events.
 */
public final class GatewayMetrics implements SecurityEventSink {

    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER"};
    private static final int STATUSES = 500;
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry;
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<Reason, Map<String, Counter>> events = new EnumMap<>(Reason.class);
    private final Map<String, AtomicInteger> openWebSockets = new ConcurrentHashMap<>();
    private final Map<String, Counter> webSocketCloses = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> shed = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> retries = new ConcurrentHashMap<>();

    /** @param registry where meters are registered and scraped from */
    public GatewayMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        for (Reason reason : Reason.values()) {
            events.put(reason, new ConcurrentHashMap<>());
        }
    }

    /** @return the registry, e.g. to add application meters */
    public MeterRegistry registry() {
        return registry;
    }

    /** @return every meter in the Prometheus text format */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Records one finished request.
     *
     * @param routeId     the route id, or a fixed label such as {@code "unmatched"}
     * @param method      the request method
     * @param status      the status sent
     * @param nanos       time from arrival to the last byte
     * @param errorReason why it was refused or failed, or {@code null} when it was not an error
     */
    public void request(String routeId, String method, int status, long nanos, String errorReason) {
        RouteMeters meters = routes.computeIfAbsent(routeId, RouteMeters::new);
        int methodIndex = methodIndex(method);
        int statusIndex = Math.min(Math.max(status - 100, 0), STATUSES - 1);
        Meters slot = meters.slot(methodIndex, statusIndex);
        slot.requests.increment();
        slot.duration.record(nanos, TimeUnit.NANOSECONDS);
        if (errorReason != null) {
            meters.error(errorReason).increment();
        }
    }

    @Override
    public void emit(SecurityEvent event) {
        events.get(event.reason())
                .computeIfAbsent(event.source(), source -> Counter.builder("security.events")
                        .description("Security events by reason, severity and emitting feature")
                        .tag("event_type", event.reason().name())
                        .tag("severity", event.severity().label())
                        .tag("source", source)
                        .register(registry))
                .increment();
    }

    /**
     * Registers the gauges of a concurrency limiter: {@code bulwark_inflight_requests} and
     * {@code bulwark_queued_requests} for the global one, {@code bulwark_upstream_inflight_requests} and
     * {@code bulwark_upstream_queued_requests} tagged {@code upstream} for an upstream's.
     *
     * @param upstream the upstream it limits, or {@code null} for the global limiter
     */
    public void limiter(String upstream, ConcurrencyLimiter limiter) {
        String prefix = upstream == null ? "bulwark." : "bulwark.upstream.";
        Tags tags = upstream == null ? Tags.empty() : Tags.of("upstream", upstream);
        Gauge.builder(prefix + "inflight.requests", limiter, ConcurrencyLimiter::inFlight)
                .description("Requests holding a slot of the concurrency limit").tags(tags).strongReference(true)
                .register(registry);
        Gauge.builder(prefix + "queued.requests", limiter, ConcurrencyLimiter::waiting)
                .description("Requests waiting for a slot of the concurrency limit").tags(tags).strongReference(true)
                .register(registry);
    }

    /**
     * Counts one request shed by a concurrency limit, as {@code bulwark_shed_requests_total{priority}} for the
     * global limit or {@code bulwark_upstream_shed_requests_total{upstream,priority}} for an upstream's.
     *
     * @param upstream the upstream whose limit shed it, or {@code null} for the global limit
     */
    public void shed(String upstream, Priority priority) {
        Counter[] byClass = shed.computeIfAbsent(upstream == null ? "" : upstream, key -> {
            Counter[] counters = new Counter[Priority.values().length];
            for (Priority each : Priority.values()) {
                Counter.Builder builder = Counter.builder(upstream == null ? "bulwark.shed.requests"
                                : "bulwark.upstream.shed.requests")
                        .description("Requests shed by a concurrency limit, by priority class")
                        .tag("priority", each.name().toLowerCase(Locale.ROOT));
                if (upstream != null) {
                    builder.tag("upstream", upstream);
                }
                counters[each.ordinal()] = builder.register(registry);
            }
            return counters;
        });
        byClass[priority.ordinal()].increment();
    }

    /**
     * Registers {@code bulwark_upstream_circuit_state{upstream,state}}: 1 for the breaker's current state, 0 for
     * the others.
     *
     * @param states  every state the breaker can be in, as shown in the {@code state} tag
     * @param current reads the current state
     */
    public void circuit(String upstream, List<String> states, Supplier<String> current) {
        for (String state : states) {
            Gauge.builder("bulwark.upstream.circuit.state", current, read -> state.equals(read.get()) ? 1 : 0)
                    .description("1 for the state each upstream's circuit breaker is in, 0 for the others")
                    .tag("upstream", upstream).tag("state", state).strongReference(true)
                    .register(registry);
        }
    }

    /**
     * Counts one retry decision as {@code bulwark_upstream_retries_total{upstream,result}}: {@code attempted},
     * or {@code budget_exhausted} when the retry budget refused it.
     */
    public void retry(String upstream, boolean attempted) {
        Counter[] pair = retries.computeIfAbsent(upstream, name -> new Counter[] {
            retryCounter(name, "budget_exhausted"), retryCounter(name, "attempted")});
        pair[attempted ? 1 : 0].increment();
    }

    private Counter retryCounter(String upstream, String result) {
        return Counter.builder("bulwark.upstream.retries")
                .description("Retries of failed idempotent upstream requests, and those the retry budget refused")
                .tag("upstream", upstream).tag("result", result)
                .register(registry);
    }

    /**
     * Counts a WebSocket the relay started: {@code websocket_connections_active{route}} goes up until
     * {@link #webSocketClosed} is called for it.
     */
    public void webSocketOpened(String routeId) {
        openWebSockets(routeId).incrementAndGet();
    }

    /**
     * Counts a relayed WebSocket's end as {@code websocket_closes_total{route,reason}} and takes it off the open
     * sockets gauge.
     *
     * @param reason a label from a small fixed set: {@code client} or {@code upstream} (that side sent a close
     *               frame), {@code client_gone} or {@code upstream_lost} (that side vanished without one),
     *               {@code error}, or the gateway's own closes ({@code rate_limited}, {@code message_too_big},
     *               {@code idle}, {@code token_expired}, ...)
     */
    public void webSocketClosed(String routeId, String reason) {
        openWebSockets(routeId).decrementAndGet();
        webSocketCloses.computeIfAbsent(routeId + ' ' + reason, key -> Counter.builder("websocket.closes")
                        .description("Relayed WebSockets that ended, by route and why")
                        .tag("route", routeId).tag("reason", reason)
                        .register(registry))
                .increment();
    }

    private AtomicInteger openWebSockets(String routeId) {
        return openWebSockets.computeIfAbsent(routeId, route -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder("websocket.connections.active", open, AtomicInteger::get)
                    .description("WebSockets relayed right now on this node, by route")
                    .tag("route", route).strongReference(true)
                    .register(registry);
            return open;
        });
    }

    private static int methodIndex(String method) {
        for (int i = 0; i < METHODS.length - 1; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length - 1;
    }

    /** Meters of one (route, method, status). */
    private record Meters(Counter requests, Timer duration) {
    }

    /** The cache for one route; racing initialisations are harmless because the registry dedupes meters. */
    private final class RouteMeters {
        private final String routeId;
        private final Meters[] slots = new Meters[METHODS.length * STATUSES];
        private final Map<String, Counter> errors = new ConcurrentHashMap<>();

        RouteMeters(String routeId) {
            this.routeId = routeId;
        }

        Meters slot(int methodIndex, int statusIndex) {
            int index = methodIndex * STATUSES + statusIndex;
            Meters meters = slots[index];
            if (meters == null) {
                String method = METHODS[methodIndex];
                String status = Integer.toString(statusIndex + 100);
                meters = new Meters(
                        Counter.builder("http.requests")
                                .description("Requests handled, by route, method and status")
                                .tag("route", routeId).tag("method", method).tag("status", status)
                                .register(registry),
                        Timer.builder("http.request.duration")
                                .description("Time from request arrival to the last response byte")
                                .tag("route", routeId).tag("method", method).tag("status", status)
                                .serviceLevelObjectives(BUCKETS)
                                .register(registry));
                slots[index] = meters;
            }
            return meters;
        }

        Counter error(String reason) {
            return errors.computeIfAbsent(reason, r -> Counter.builder("http.errors")
                    .description("Refused or failed requests, by route and reason")
                    .tag("route", routeId).tag("reason", r)
                    .register(registry));
        }
    }
}
