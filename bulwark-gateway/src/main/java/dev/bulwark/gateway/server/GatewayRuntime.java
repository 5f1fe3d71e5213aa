package dev.bulwark.gateway.server;

import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.gateway.log.AccessLog;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpServer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;

/**
 * What every event loop of one gateway shares: compiled routes, trust rules, clock, event sink, metrics, logs
 * and the readiness probe. Built once at startup.
 *
 * <p>Thread-safe: every component is immutable or thread-safe; {@link #servers()} is a concurrent queue.
 */
public final class GatewayRuntime {

    private final CompiledRoutes routes;
    private final TrustedProxies trustedProxies;
    private final Clock clock;
    private final SecurityEventSink events;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final List<UpstreamConfig> upstreams;
    private final LongFunction<CompletionStage<Boolean>> storage;
    private final Queue<HttpServer> servers = new ConcurrentLinkedQueue<>();
    private ReadinessProbe readiness;
    private BuiltinEndpoints builtins;

    /**
     * @param routes    the compiled configuration
     * @param clock     the clock filters and logs read
     * @param events    where security events go (already fanned out to logs and metrics)
     * @param metrics   the metrics
     * @param accessLog the access log, or {@code null} when switched off
     * @param storage   answers whether the storage responds within the given milliseconds, for readiness
     * @throws IllegalArgumentException when a trusted proxy entry is not a CIDR
     */
    public GatewayRuntime(CompiledRoutes routes, Clock clock, SecurityEventSink events, GatewayMetrics metrics,
                          AccessLog accessLog, LongFunction<CompletionStage<Boolean>> storage) {
        this.routes = routes;
        this.trustedProxies = TrustedProxies.of(routes.config().server().trustedProxies());
        this.clock = clock;
        this.events = events;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.storage = storage;
        this.upstreams = new ArrayList<>(routes.config().upstreams().values());
    }

    /** Creates the readiness probe on {@code vertx}; called once, before any verticle is deployed. */
    public void attach(io.vertx.core.Vertx vertx) {
        this.readiness = new ReadinessProbe(vertx, upstreams, storage, clock);
        this.builtins = new BuiltinEndpoints(readiness, metrics);
    }

    /** Stops the readiness probe's client. */
    public void detach() {
        if (readiness != null) {
            readiness.close();
        }
    }

    /** @return the servers listening, for graceful shutdown */
    public Queue<HttpServer> servers() {
        return servers;
    }

    /** @return every configured upstream */
    public List<UpstreamConfig> upstreams() {
        return upstreams;
    }

    CompiledRoutes routes() {
        return routes;
    }

    TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    Clock clock() {
        return clock;
    }

    SecurityEventSink events() {
        return events;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    BuiltinEndpoints builtins() {
        return builtins;
    }
}
