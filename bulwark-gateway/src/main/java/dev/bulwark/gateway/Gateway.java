package dev.bulwark.gateway;

import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.Listener;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.core.routing.RouteCompiler;
import dev.bulwark.core.routing.RouteServices;
import dev.bulwark.core.screening.IpReputationList;
import dev.bulwark.core.websocket.WebSocketConnections;
import dev.bulwark.gateway.log.AccessLog;
import dev.bulwark.gateway.log.SecurityEventLog;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import dev.bulwark.gateway.metrics.WebhookMetrics;
import dev.bulwark.gateway.server.GatewayRuntime;
import dev.bulwark.gateway.server.GatewayVerticle;
import dev.bulwark.gateway.storage.GatewayStorage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running Bulwark gateway: the entry point used by the command line, the demo and tests.
 *
 * <p>{@link #start(BulwarkConfig)} compiles the configuration, binds the port(s) and returns once the gateway
 * accepts connections. {@link #close()} shuts down gracefully: no new connections, in-flight requests get up
 * to {@code server.shutdownTimeout} to finish, then everything stops. Thread-safe.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final GatewayRuntime runtime;
    private final ServerConfig server;
    private final int port;
    private final Integer adminPort;
    private final Integer adminApiPort;
    private final GatewayMetrics metrics;
    private final GatewayStorage storage;
    private final AuthServices auth;
    private boolean closed;

    private Gateway(Vertx vertx, GatewayRuntime runtime, ServerConfig server, int port, Integer adminPort,
                    Integer adminApiPort, GatewayMetrics metrics, GatewayStorage storage, AuthServices auth) {
        this.storage = storage;
        this.auth = auth;
        this.vertx = vertx;
        this.runtime = runtime;
        this.server = server;
        this.port = port;
        this.adminPort = adminPort;
        this.adminApiPort = adminApiPort;
        this.metrics = metrics;
    }

    /**
     * Starts a gateway with default {@link GatewayOptions}.
     *
     * @throws dev.bulwark.core.config.ConfigException when the configuration is invalid
     * @throws GatewayStartException                   when a port cannot be bound or TLS files cannot be read
     */
    public static Gateway start(BulwarkConfig config) {
        return start(config, GatewayOptions.defaults());
    }

    /**
     * Starts a gateway and blocks until it accepts connections.
     *
     * @throws dev.bulwark.core.config.ConfigException when the configuration is invalid
     * @throws GatewayStartException                   when a port cannot be bound or TLS files cannot be read
     */
    public static Gateway start(BulwarkConfig config, GatewayOptions options) {
        ServerConfig server = config.server();
        PrometheusMeterRegistry registry = options.meterRegistry() != null ? options.meterRegistry()
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayMetrics metrics = new GatewayMetrics(registry);
        GatewayStorage storage;
        try {
            storage = GatewayStorage.open(config.storage(), options.clock());
        } catch (StoreUnavailableException e) {
            throw new GatewayStartException("cannot open storage: " + e.getMessage(), e);
        }
        CompiledRoutes routes;
        AuthServices auth = null;
        WebSocketConnections webSockets;
        try {
            RouteServices services = new RouteServices(storage.idempotencyStore(), new WebhookMetrics(registry));
            webSockets = services.webSockets();
            if (config.auth() != null) {
                auth = startAuth(config, storage, options);
                services = services.withAuth(auth);
                // Logout, logout-all, refresh reuse, password changes and admin revokes, here or on any node.
                webSockets.followRevocations(auth.revocationSync().list());
            }
            routes = RouteCompiler.compile(config, services);
        } catch (RuntimeException e) {
            if (auth != null) {
                auth.close();
            }
            storage.close();
            throw e;
        }
        SecurityEventSink log = new SecurityEventLog();
        SecurityEventSink extra = options.events();
        SecurityEventSink events = new FanOut(log, metrics, extra);
        GatewayRuntime runtime = new GatewayRuntime(routes, options.clock(), events, metrics,
                server.accessLog() ? new AccessLog() : null, storage::ping, webSockets);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
        runtime.attach(vertx);
        reloadIpReputation(vertx, routes, config, events, options);
        try {
            // One deployment of N instances: Vert.x shares the port among them (port 0 included) and spreads
            // accepted connections across their event loops.
            java.util.Queue<GatewayVerticle> instances = new java.util.concurrent.ConcurrentLinkedQueue<>();
            await(vertx.deployVerticle(() -> {
                GatewayVerticle instance = new GatewayVerticle(runtime, server.port(), Listener.MAIN);
                instances.add(instance);
                return instance;
            }, new DeploymentOptions().setInstances(options.eventLoops())), "port " + server.port(), server);
            Map<Listener, Integer> bound = new EnumMap<>(Listener.class);
            bound.put(Listener.MAIN, instances.peek().actualPort());
            for (Listener other : List.of(Listener.BUILTINS, Listener.ADMIN_API)) {
                if (other.isOpen(config)) {
                    GatewayVerticle verticle = new GatewayVerticle(runtime, other.port(config), other);
                    await(vertx.deployVerticle(verticle), (other == Listener.BUILTINS ? "admin port " : "admin.port ")
                            + other.port(config), server);
                    bound.put(other, verticle.actualPort());
                }
            }
            int port = bound.get(Listener.MAIN);
            Integer adminPort = bound.get(Listener.BUILTINS);
            Listener adminApi = Listener.adminApi(config);
            Integer adminApiPort = adminApi == null ? null : bound.get(adminApi);
            Gateway gateway = new Gateway(vertx, runtime, server, port, adminPort, adminApiPort, metrics, storage,
                    auth);
            LOG.info("bulwark gateway listening on {}://{}:{} ({} routes, {} event loops{}{}, storage: {})",
                    server.tls() != null ? "https" : "http", server.host(), port, routes.routes().size(),
                    options.eventLoops(), adminPort == null ? "" : ", admin port " + adminPort,
                    adminApiPort == null ? "" : ", admin api on port " + adminApiPort, storage.describe());
            return gateway;
        } catch (RuntimeException e) {
            runtime.detach();
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                    .exceptionally(ignored -> null).join();
            if (auth != null) {
                auth.close();
            }
            storage.close();
            throw e;
        }
    }

    /**
     * Checks the reputation list's file every {@code screening.ipReputation.reloadInterval} on a worker thread (the
     * check is file I/O), reloading it when it changed; the timer ends with {@code vertx}.
     */
    private static void reloadIpReputation(Vertx vertx, CompiledRoutes routes, BulwarkConfig config,
                                           SecurityEventSink events, GatewayOptions options) {
        IpReputationList list = routes.ipReputation();
        if (list == null) {
            return;
        }
        long interval = config.screening().ipReputation().reloadInterval().toMillis();
        vertx.setPeriodic(interval, timer -> vertx.executeBlocking(
                () -> list.reloadIfChanged(events, options.clock()), false));
    }

    /**
     * Starts identity on the gateway's stores. The configuration is checked first, so a bad auth section is a
     * config error rather than a failed start.
     */
    private static AuthServices startAuth(BulwarkConfig config, GatewayStorage storage, GatewayOptions options) {
        RouteCompiler.check(config);
        try {
            return AuthServices.start(config.auth(), storage.identityStores(), storage.masterKey(config.auth()),
                    options.clock());
        } catch (IllegalStateException e) {
            throw new GatewayStartException(e.getMessage(), e);
        }
    }

    private static void await(Future<?> future, String what, ServerConfig server) {
        try {
            future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayStartException("interrupted while binding " + what, e);
        } catch (TimeoutException e) {
            throw new GatewayStartException("timed out binding " + what, e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new GatewayStartException(describe(cause, what, server), cause);
        }
    }

    private static String describe(Throwable cause, String what, ServerConfig server) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof BindException || message.contains("Address already in use")) {
                return what + " is already in use";
            }
            if (t instanceof NoSuchFileException || message.contains("Unable to read file")
                    || message.contains("NoSuchFile")) {
                return "cannot read tls certificate or key: " + (server.tls() == null ? message
                        : server.tls().certificate() + ", " + server.tls().privateKey());
            }
        }
        return "cannot start on " + what + ": " + cause.getMessage();
    }

    /** @return the main port actually bound (useful with port 0) */
    public int port() {
        return port;
    }

    /** @return the admin port actually bound, or {@code null} when built-in endpoints are on the main port */
    public Integer adminPort() {
        return adminPort;
    }

    /**
     * @return the port the admin API is served on (the main port unless {@code admin.port} is set), or
     *     {@code null} when the API is off
     */
    public Integer adminApiPort() {
        return adminApiPort;
    }

    /** @return the base URI clients use, e.g. {@code http://127.0.0.1:8080} */
    public URI baseUri() {
        String host = server.host();
        if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create((server.tls() != null ? "https" : "http") + "://" + host + ":" + port);
    }

    /**
     * @return identity (users, sessions, keys) as this gateway runs it, e.g. to create the first admin; empty when
     *     the configuration has no {@code auth} section
     */
    public Optional<AuthServices> auth() {
        return Optional.ofNullable(auth);
    }

    /** @return the metrics registry, e.g. to scrape in tests or to add meters */
    public PrometheusMeterRegistry meterRegistry() {
        return (PrometheusMeterRegistry) metrics.registry();
    }

    /**
     * Shuts down gracefully: stops accepting, lets in-flight requests finish within
     * {@code server.shutdownTimeout}, then closes connections and upstream pools. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration grace = server.shutdownTimeout();
        List<Future<Void>> shutdowns = new ArrayList<>();
        for (HttpServer httpServer : runtime.servers()) {
            shutdowns.add(httpServer.shutdown(grace));
        }
        try {
            Future.join(shutdowns).toCompletionStage().toCompletableFuture()
                    .get(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("graceful shutdown did not complete cleanly: {}", e.toString());
        }
        runtime.detach();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("closing the event loops failed: {}", e.toString());
        }
        if (auth != null) {
            auth.close();
        }
        storage.close();
        LOG.info("bulwark gateway on port {} stopped", port);
    }

    /** Sends each event to every sink; one failing sink must not keep the others from seeing it. */
    private record FanOut(SecurityEventSink log, SecurityEventSink metrics, SecurityEventSink extra)
            implements SecurityEventSink {
        @Override
        public void emit(SecurityEvent event) {
            try {
                log.emit(event);
                metrics.emit(event);
            } finally {
                extra.emit(event);
            }
        }
    }
}
