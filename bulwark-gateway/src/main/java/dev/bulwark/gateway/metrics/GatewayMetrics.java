package dev.bulwark.gateway.metrics;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Prometheus metrics: {@code http_requests_total}, {@code http_request_duration_seconds},
 * {@code http_errors_total} and {@code security_events_total}.
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
