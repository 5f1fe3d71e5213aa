package dev.bulwark.gateway.server;

import dev.bulwark.core.config.UpstreamConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Checks that every upstream accepts TCP connections and that the storage answers, for
 * {@code /_bulwark/health/ready}.
 *
 * <p>Results are cached for {@link #CACHE_MILLIS} so a busy probe endpoint cannot turn into a connection flood
 * against the upstreams. Thread-safe: concurrent callers share one check in flight.
 */
final class ReadinessProbe {

    static final long CACHE_MILLIS = 2000;
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final List<UpstreamConfig> upstreams;
    private final LongFunction<CompletionStage<Boolean>> storage;
    private final Clock clock;
    private final NetClient client;
    private final AtomicReference<Check> last = new AtomicReference<>();

    /**
     * @param storage answers whether the storage responds within the given milliseconds; never fails
     */
    ReadinessProbe(Vertx vertx, List<UpstreamConfig> upstreams, LongFunction<CompletionStage<Boolean>> storage,
                   Clock clock) {
        this.upstreams = upstreams;
        this.storage = storage;
        this.clock = clock;
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
    }

    /** @return whether each upstream (in configuration order) accepted a connection and the storage answered */
    CompletionStage<Readiness> check() {
        long now = clock.millis();
        Check current = last.get();
        if (current != null && now - current.startedAt < CACHE_MILLIS) {
            return current.result;
        }
        Check fresh = new Check(now, new CompletableFuture<>());
        if (!last.compareAndSet(current, fresh)) {
            return last.get().result;
        }
        List<Future<Boolean>> probes = new ArrayList<>(upstreams.size());
        for (UpstreamConfig upstream : upstreams) {
            probes.add(probe(upstream.url()));
        }
        CompletionStage<Boolean> storageUp = storage.apply(CONNECT_TIMEOUT_MILLIS);
        Future.join(probes).onComplete(done -> {
            Map<String, Boolean> result = new LinkedHashMap<>();
            for (int i = 0; i < upstreams.size(); i++) {
                result.put(upstreams.get(i).name(), probes.get(i).succeeded() && probes.get(i).result());
            }
            storageUp.thenAccept(up -> fresh.result.complete(new Readiness(result, up)));
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
     */
    record Readiness(Map<String, Boolean> upstreams, boolean storage) {

        boolean ready() {
            return storage && !upstreams.containsValue(false);
        }
    }

    private record Check(long startedAt, CompletableFuture<Readiness> result) {
    }
}
