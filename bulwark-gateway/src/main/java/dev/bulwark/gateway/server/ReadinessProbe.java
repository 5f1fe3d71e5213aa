package dev.bulwark.gateway.server;

import dev.bulwark.gateway.proxy.UpstreamGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Checks that every upstream accepts TCP connections and that the storage answers, for
 * {@code /_bulwark/health/ready}, and reports the state of each upstream's circuit breaker.
 *
 * <p>Connection and storage results are cached for {@link #CACHE_MILLIS} so a busy probe endpoint cannot turn
 * into a connection flood against the upstreams; breaker states are read live. An open breaker does not make the
 * node unready: every node sees the same failing upstream, and taking them all out of rotation would turn one
 * failing backend into a full outage. It makes the status {@code DEGRADED} instead. Thread-safe: concurrent
 * callers share one check in flight.
 */
final class ReadinessProbe {

    static final long CACHE_MILLIS = 2000;
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final List<UpstreamGuard> guards;
    private final LongFunction<CompletionStage<Boolean>> storage;
    private final Clock clock;
    private final NetClient client;
    private final AtomicReference<Check> last = new AtomicReference<>();

    /**
     * @param guards  every upstream's guard: its configuration to probe and its breaker state
     * @param storage answers whether the storage responds within the given milliseconds; never fails
     */
    ReadinessProbe(Vertx vertx, Collection<UpstreamGuard> guards, LongFunction<CompletionStage<Boolean>> storage,
                   Clock clock) {
        this.guards = List.copyOf(guards);
        this.storage = storage;
        this.clock = clock;
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
    }

    /**
     * @return whether each upstream (in configuration order) accepted a connection and the storage answered, with
     *     the breaker states as they are now
     */
    CompletionStage<Readiness> check() {
        return reachability().thenApply(reached -> new Readiness(reached.upstreams(), reached.storage(), circuits()));
    }

    /** @return each upstream's breaker state (those with a breaker), in configuration order */
    private Map<String, String> circuits() {
        Map<String, String> circuits = new LinkedHashMap<>();
        for (UpstreamGuard guard : guards) {
            String state = guard.circuitState();
            if (state != null) {
                circuits.put(guard.config().name(), state);
            }
        }
        return circuits;
    }

    private CompletionStage<Readiness> reachability() {
        long now = clock.millis();
        Check current = last.get();
        if (current != null && now - current.startedAt < CACHE_MILLIS) {
            return current.result;
        }
        Check fresh = new Check(now, new CompletableFuture<>());
        if (!last.compareAndSet(current, fresh)) {
            return last.get().result;
        }
        List<Future<Boolean>> probes = new ArrayList<>(guards.size());
        for (UpstreamGuard guard : guards) {
            probes.add(probe(guard.config().url()));
        }
        CompletionStage<Boolean> storageUp = storage.apply(CONNECT_TIMEOUT_MILLIS);
        Future.join(probes).onComplete(done -> {
            Map<String, Boolean> result = new LinkedHashMap<>();
            for (int i = 0; i < guards.size(); i++) {
                result.put(guards.get(i).config().name(), probes.get(i).succeeded() && probes.get(i).result());
            }
            storageUp.thenAccept(up -> fresh.result.complete(new Readiness(result, up, Map.of())));
        });
        return fresh.result;
    }

    private Future<Boolean> probe(URI url) {
        int port = url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return client.connect(port, url.getHost())
                .compose(socket -> socket.close().map(true), failure -> Future.succeededFuture(false));
    }

    void close() {
        client.close();
    }

    /**
     * One readiness result.
     *
     * @param upstreams each upstream's name mapped to whether it accepted a connection
     * @param storage   whether the storage answered
     * @param circuits  each upstream with a circuit breaker mapped to its state ({@link UpstreamGuard#STATES})
     */
    record Readiness(Map<String, Boolean> upstreams, boolean storage, Map<String, String> circuits) {

        boolean ready() {
            return storage && !upstreams.containsValue(false);
        }

        /** @return whether a breaker is open or half-open: the node still serves, some upstream is failing */
        boolean degraded() {
            return circuits.values().stream().anyMatch(state -> !state.equals("closed"));
        }
    }

    private record Check(long startedAt, CompletableFuture<Readiness> result) {
    }
}
