package dev.bulwark.gateway.proxy;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryBudget;
import dev.bulwark.core.shedding.ConcurrencyLimiter;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.shedding.RefusalDigest;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import dev.bulwark.gateway.server.VertxExchange;
import dev.bulwark.gateway.shedding.LoadShedder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What stands between the proxy and one upstream, shared by every event loop: its concurrency limit, its circuit
 * breaker (Resilience4j, on the gateway's clock) and its retry budget.
 *
 * <p>Every call the breaker permits ({@link #permitCall()}) must be settled exactly once with
 * {@link #answered}, {@link #failed} or {@link #abandoned}. Each state transition of the breaker is one
 * {@code UPSTREAM_CIRCUIT_STATE} security event; requests refused while it is open are reported at most once a
 * second ({@link RefusalDigest}). Thread-safe.
 */
public final class UpstreamGuard {

    /** The breaker states as metrics and the readiness body show them. */
    public static final List<String> STATES = List.of("closed", "open", "half_open");

    private static final String SOURCE = "circuit-breaker";
    /** What the breaker records for a failed call; carries no stack, it is never thrown. */
    private static final RuntimeException FAILURE = new RuntimeException("upstream call failed", null, false, false) {
    };

    private final UpstreamConfig config;
    private final LoadShedder shedder;
    private final CircuitBreaker breaker;
    private final RetryBudget budget;
    private final RefusalDigest openRefusals;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final SecurityEventSink events;
    private final long openForMillis;
    /** The last state reported; transitions are found by comparing, as a Resilience4j event consumer would make
     *  the breaker allocate an event object on every call. */
    private final AtomicReference<CircuitBreaker.State> reported = new AtomicReference<>(CircuitBreaker.State.CLOSED);
    private volatile long openedAt;

    /**
     * @param config   the upstream
     * @param shedding the queue timeout and {@code Retry-After} its concurrency limit applies
     * @param clock    the clock the breaker and the retry budget read
     * @param events   where breaker transitions are reported
     * @param metrics  where the limit, the breaker state and retries are counted
     */
    public UpstreamGuard(UpstreamConfig config, LoadSheddingConfig shedding, Clock clock, SecurityEventSink events,
                         GatewayMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.metrics = metrics;
        this.shedder = config.maxConcurrent() > 0 ? new LoadShedder(config.name(),
                ConcurrencyLimiter.of(config.maxConcurrent(), config.queue(), shedding), shedding, metrics) : null;
        this.budget = config.retry().enabled() ? RetryBudget.of(config.retry(), clock) : null;
        BreakerConfig settings = config.circuitBreaker();
        this.openForMillis = settings.openFor().toMillis();
        this.openRefusals = new RefusalDigest(Reason.UPSTREAM_CIRCUIT_OPEN, SOURCE,
                "the circuit breaker of upstream " + config.name(), RefusalDigest.INTERVAL);
        if (settings.enabled()) {
            breaker = CircuitBreaker.of("upstream-" + config.name(), CircuitBreakerConfig.custom()
                    .failureRateThreshold(settings.failureRate())
                    .slowCallRateThreshold(settings.slowCallRate())
                    .slowCallDurationThreshold(settings.slowCallDuration())
                    .slidingWindow((int) settings.window().toSeconds(), settings.minimumCalls(),
                            CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                    .waitDurationInOpenState(settings.openFor())
                    .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                    .clock(clock)
                    .build());
            metrics.circuit(config.name(), STATES, this::circuitState);
        } else {
            breaker = null;
        }
    }

    /** @return the upstream */
    public UpstreamConfig config() {
        return config;
    }

    /** @return the upstream's concurrency limit, or {@code null} when it has none */
    public LoadShedder shedder() {
        return shedder;
    }

    /** @return the breaker's state as in {@link #STATES}, or {@code null} when the breaker is off */
    public String circuitState() {
        if (breaker == null) {
            return null;
        }
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            default -> "closed";
        };
    }

    /** Counts one request towards the retry budget; once per request, not per attempt. */
    public void recordRequest() {
        if (budget != null) {
            budget.recordRequest();
        }
    }

    /**
     * @return whether the breaker lets a call through now (always, when it is off); a permitted call must be
     *     settled
     */
    public boolean permitCall() {
        if (breaker == null) {
            return true;
        }
        boolean permitted = breaker.tryAcquirePermission();
        noticeTransition();
        return permitted;
    }

    /** Settles a call whose response head arrived: 502, 503 and 504 count as failures, other statuses succeed. */
    public void answered(int status, long nanos) {
        if (breaker == null) {
            return;
        }
        if (status == 502 || status == 503 || status == 504) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILURE);
        } else {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
        noticeTransition();
    }

    /** Settles a call that failed to connect, timed out or lost its connection before the response head. */
    public void failed(long nanos) {
        if (breaker != null) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILURE);
            noticeTransition();
        }
    }

    /** Settles a call that ended for a reason of the gateway's or the client's, which says nothing of the upstream. */
    public void abandoned() {
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /**
     * Decides whether a failed request may be retried, spending from the retry budget; counted in metrics.
     *
     * @return whether the retry may be sent
     */
    public boolean mayRetry() {
        boolean allowed = budget != null && budget.tryRetry();
        metrics.retry(config.name(), allowed);
        return allowed;
    }

    /**
     * @return the 503 problem for a request the open breaker refused, with {@code Retry-After} set to the time
     *     the breaker stays open (at least 1 s)
     */
    public Response circuitOpen(VertxExchange exchange, Priority priority) {
        long remaining = openedAt + openForMillis - clock.millis();
        long seconds = Math.max(1, (remaining + 999) / 1000);
        Response refusal = exchange.refuseSilently(Reason.UPSTREAM_CIRCUIT_OPEN, "upstream " + config.name()
                + " is failing; its circuit breaker is open, retry after " + seconds + " s");
        openRefusals.refused(exchange, priority, "the breaker was " + circuitState());
        refusal.headers().set("Retry-After", Long.toString(seconds));
        return refusal;
    }

    /** Reports a state change, once, whichever thread sees it first (the one that caused it, as a rule). */
    private void noticeTransition() {
        CircuitBreaker.State now = breaker.getState();
        CircuitBreaker.State before = reported.get();
        if (now == before || !reported.compareAndSet(before, now)) {
            return;
        }
        if (now == CircuitBreaker.State.OPEN) {
            openedAt = clock.millis();
        }
        CircuitBreaker.Metrics recent = breaker.getMetrics();
        String detail = "upstream " + config.name() + ": circuit " + name(before) + " -> " + name(now)
                + (now == CircuitBreaker.State.OPEN ? String.format(Locale.ROOT,
                " (failure rate %.1f %%, slow call rate %.1f %% of %d calls; stays open %d ms)",
                Math.max(0, recent.getFailureRate()), Math.max(0, recent.getSlowCallRate()),
                recent.getNumberOfBufferedCalls(), openForMillis) : "");
        events.emit(new SecurityEvent(clock.instant(), Reason.UPSTREAM_CIRCUIT_STATE, SOURCE, null, null, null,
                null, detail));
    }

    private static String name(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
