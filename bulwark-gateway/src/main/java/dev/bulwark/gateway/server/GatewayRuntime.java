package dev.bulwark.gateway.server;

import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.gateway.log.AccessLog;
import dev.bulwark.core.shedding.ConcurrencyLimiter;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import dev.bulwark.gateway.proxy.UpstreamGuard;
import dev.bulwark.gateway.shedding.LoadShedder;
import dev.bulwark.core.websocket.WebSocketConnections;
import io.vertx.core.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * What every event loop of one gateway shares: compiled routes, trust rules, clock, event sink, metrics, logs,
 * the readiness probe, the global concurrency limit, each upstream's guard and the node's WebSockets. Built once
 * at startup.
 *
 * <p>Thread-safe: every component is immutable or thread-safe; {@link #servers()} is a concurrent queue.
 */
public final class GatewayRuntime {

    /**
     * How often the WebSockets are checked for expired tokens: an expired token's socket closes within this (plus a
     * hop), well inside a second. Idle sockets are looked for every {@link WebSocketConnections#IDLE_SCAN_EVERY}
     * sweeps, so within a second of their idle timeout.
     */
    static final long WEBSOCKET_SWEEP_MILLIS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);

    private final CompiledRoutes routes;
    private final TrustedProxies trustedProxies;
    private final Clock clock;
    private final SecurityEventSink events;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final Map<String, UpstreamGuard> guards = new LinkedHashMap<>();
    private final LoadShedder shedder;
    private final LongFunction<CompletionStage<Boolean>> storage;
    private final Queue<HttpServer> servers = new ConcurrentLinkedQueue<>();
    private final WebSocketConnections webSockets;
    private ScheduledExecutorService webSocketSweep;
    private ReadinessProbe readiness;
    private BuiltinEndpoints builtins;

    /**
     * @param routes    the compiled configuration
     * @param clock     the clock filters and logs read
     * @param events    where security events go (already fanned out to logs and metrics)
     * @param metrics   the metrics
     * @param accessLog the access log, or {@code null} when switched off
     * @param storage   answers whether the storage responds within the given milliseconds, for readiness
     * @param webSockets this node's WebSockets, swept for expired tokens and idleness while attached
     * @throws IllegalArgumentException when a trusted proxy entry is not a CIDR
     */
    public GatewayRuntime(CompiledRoutes routes, Clock clock, SecurityEventSink events, GatewayMetrics metrics,
                          AccessLog accessLog, LongFunction<CompletionStage<Boolean>> storage,
                          WebSocketConnections webSockets) {
        this.routes = routes;
        this.webSockets = webSockets;
        this.trustedProxies = TrustedProxies.of(routes.config().server().trustedProxies());
        this.clock = clock;
        this.events = events;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.storage = storage;
        LoadSheddingConfig shedding = routes.config().effectiveLoadShedding();
        this.shedder = shedding.enabled()
                ? new LoadShedder(null, ConcurrencyLimiter.of(shedding), shedding, metrics) : null;
        for (UpstreamConfig upstream : routes.config().upstreams().values()) {
            guards.put(upstream.name(), new UpstreamGuard(upstream, shedding, clock, events, metrics));
        }
    }

    /**
     * Creates the readiness probe on {@code vertx} and starts sweeping the WebSockets every
     * {@link #WEBSOCKET_SWEEP_MILLIS} on a thread of their own, off the event loops; called once, before any
     * verticle is deployed.
     */
    public void attach(io.vertx.core.Vertx vertx) {
        this.webSocketSweep = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("bulwark-websocket-sweep").factory());
        webSocketSweep.scheduleWithFixedDelay(this::sweepWebSockets, WEBSOCKET_SWEEP_MILLIS, WEBSOCKET_SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
        this.readiness = new ReadinessProbe(vertx, guards.values(), storage, clock);
        this.builtins = new BuiltinEndpoints(readiness, metrics);
    }

    /** Stops the readiness probe's client and the WebSocket sweep. */
    public void detach() {
        if (webSocketSweep != null) {
            webSocketSweep.shutdownNow();
        }
        if (readiness != null) {
            readiness.close();
        }
    }

    private void sweepWebSockets() {
        try {
            webSockets.sweep(clock.instant());
        } catch (RuntimeException bug) {
            // A failed sweep must not cancel the next ones.
            LOG.error("websocket sweep failed", bug);
        }
    }

    /** @return the servers listening, for graceful shutdown */
    public Queue<HttpServer> servers() {
        return servers;
    }

    /** @return each upstream's concurrency limit, circuit breaker and retry budget, in configuration order */
    public Collection<UpstreamGuard> upstreamGuards() {
        return guards.values();
    }

    /** @return the global concurrency limit, or {@code null} when {@code loadShedding} is off */
    LoadShedder shedder() {
        return shedder;
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
