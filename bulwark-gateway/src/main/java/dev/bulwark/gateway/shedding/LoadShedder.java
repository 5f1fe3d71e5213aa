package dev.bulwark.gateway.shedding;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.shedding.ConcurrencyLimiter;
import dev.bulwark.core.shedding.ConcurrencyLimiter.ShedCause;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.shedding.RefusalDigest;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import dev.bulwark.gateway.server.VertxExchange;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.function.Consumer;

/**
 * A {@link ConcurrencyLimiter} on the event loops: the global one in front of every route, or one upstream's in
 * front of the proxy. Requests that must wait get a Vert.x timer for the queue timeout; shed ones get a 503
 * {@code LOAD_SHED} problem with {@code Retry-After}, are counted in metrics one by one and reported as security
 * events at most once a second ({@link RefusalDigest}).
 *
 * <p>Thread-safe: the event loops share one instance. Outcomes of queued requests are delivered on the
 * request's own context.
 */
public final class LoadShedder {

    private static final String SOURCE = "load-shedding";

    private final String upstream;
    private final ConcurrencyLimiter limiter;
    private final long queueTimeoutMillis;
    /** The refusal's detail and, per {@link ShedCause}, why it was shed: built once, not per shed request. */
    private final String detail;
    private final String[] causes;
    private final String retryAfter;
    private final RefusalDigest digest;
    private final GatewayMetrics metrics;

    /**
     * @param upstream the upstream whose requests it limits, or {@code null} for the global limit
     * @param limiter  the limit
     * @param settings the queue timeout and {@code Retry-After} to apply
     * @param metrics  where in-flight, queued and shed requests are counted
     */
    public LoadShedder(String upstream, ConcurrencyLimiter limiter, LoadSheddingConfig settings,
                       GatewayMetrics metrics) {
        this.upstream = upstream;
        this.limiter = limiter;
        this.queueTimeoutMillis = settings.queueTimeout().toMillis();
        long retryAfterSeconds = Math.max(1, settings.retryAfter().toSeconds());
        this.retryAfter = Long.toString(retryAfterSeconds);
        this.detail = (upstream == null ? "the gateway" : "upstream " + upstream) + " is overloaded; retry after "
                + retryAfterSeconds + " s";
        this.causes = new String[ShedCause.values().length];
        for (ShedCause cause : ShedCause.values()) {
            causes[cause.ordinal()] = switch (cause) {
                case OVER_CAPACITY -> "its class had no capacity left";
                case QUEUE_FULL -> "the queue was full";
                case DISPLACED -> "a request of a higher class took its place in the queue";
                case QUEUE_TIMEOUT -> "it waited " + queueTimeoutMillis + " ms in the queue";
            };
        }
        this.metrics = metrics;
        this.digest = new RefusalDigest(Reason.LOAD_SHED, SOURCE,
                upstream == null ? "the gateway" : "the limit of upstream " + upstream, RefusalDigest.INTERVAL);
        metrics.limiter(upstream, limiter);
    }

    /**
     * Takes a slot at once when there is room and nobody waits: one compare-and-set, no allocation.
     *
     * @return {@code true} when admitted (call {@link #release()} when the request is done); {@code false} when
     *     the request must {@link #await} a slot
     */
    public boolean tryAcquire(Priority priority) {
        return limiter.tryAcquire(priority);
    }

    /**
     * Queues a request that {@link #tryAcquire} did not admit. Exactly one of the two callbacks runs, on
     * {@code context}: {@code admitted} when it holds a slot (release it later), or {@code shed} with the cause,
     * to answer with {@link #refusal}.
     */
    public void await(Priority priority, Context context, Runnable admitted, Consumer<ShedCause> shed) {
        new Waiting(priority, context, admitted, shed).enqueue();
    }

    /** Gives a slot back. */
    public void release() {
        limiter.release();
    }

    /** @return the limit */
    public ConcurrencyLimiter limiter() {
        return limiter;
    }

    /**
     * Builds the answer to a shed request and counts it: a 503 {@code LOAD_SHED} problem with {@code Retry-After}.
     * Call on the request's context.
     */
    public Response refusal(VertxExchange exchange, Priority priority, ShedCause cause) {
        metrics.shed(upstream, priority);
        Response refusal = exchange.refuseSilently(Reason.LOAD_SHED, detail);
        digest.refused(exchange, priority, causes[cause.ordinal()]);
        refusal.headers().set("Retry-After", retryAfter);
        return refusal;
    }

    /** One queued request and its queue-timeout timer. */
    private final class Waiting implements ConcurrencyLimiter.Waiter {
        private final Priority priority;
        private final Context context;
        private final Runnable admitted;
        private final Consumer<ShedCause> shed;
        private long timer;

        Waiting(Priority priority, Context context, Runnable admitted, Consumer<ShedCause> shed) {
            this.priority = priority;
            this.context = context;
            this.admitted = admitted;
            this.shed = shed;
        }

        void enqueue() {
            // Set before enqueueing: the limiter's lock orders this write before any callback reads it.
            timer = vertx().setTimer(queueTimeoutMillis, fired -> {
                if (limiter.cancel(this)) {
                    onContext(() -> shed.accept(ShedCause.QUEUE_TIMEOUT));
                }
            });
            limiter.enqueue(this);
        }

        @Override
        public Priority priority() {
            return priority;
        }

        @Override
        public void admitted() {
            vertx().cancelTimer(timer);
            onContext(admitted);
        }

        @Override
        public void shed(ShedCause cause) {
            vertx().cancelTimer(timer);
            onContext(() -> shed.accept(cause));
        }

        private Vertx vertx() {
            return context.owner();
        }

        private void onContext(Runnable action) {
            if (Vertx.currentContext() == context) {
                action.run();
            } else {
                context.runOnContext(v -> action.run());
            }
        }
    }
}
