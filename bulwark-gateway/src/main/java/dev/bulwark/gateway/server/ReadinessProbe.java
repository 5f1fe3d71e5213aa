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

/**
 * Checks that every upstream accepts TCP connections, for {@code /_bulwark/health/ready}.
 *
 * <p>Results are cached for {@link #CACHE_MILLIS} so a busy probe endpoint cannot turn into a connection flood
 * against the upstreams. Thread-safe: concurrent callers share one check in flight.
 */
final class ReadinessProbe {

    static final long CACHE_MILLIS = 2000;
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final List<UpstreamConfig> upstreams;
    private final Clock clock;
    private final NetClient client;
    private final AtomicReference<Check> last = new AtomicReference<>();

    ReadinessProbe(Vertx vertx, List<UpstreamConfig> upstreams, Clock clock) {
        this.upstreams = upstreams;
        this.clock = clock;
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
    }

    /** @return each upstream's name mapped to whether it accepted a connection, in configuration order */
    CompletionStage<Map<String, Boolean>> check() {
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
        Future.join(probes).onComplete(done -> {
            Map<String, Boolean> result = new LinkedHashMap<>();
            for (int i = 0; i < upstreams.size(); i++) {
                result.put(upstreams.get(i).name(), probes.get(i).succeeded() && probes.get(i).result());
            }
            fresh.result.complete(result);
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

    private record Check(long startedAt, CompletableFuture<Map<String, Boolean>> result) {
    }
}
