package dev.bulwark.gateway;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend on a loopback port that misbehaves on request, for overload and resilience tests; counts the
 * requests that reached each path.
 *
 * <p>Paths: {@code /slow/...} answers 200 after {@code slowMillis}; {@code /status/N} answers status N;
 * {@code /reset-once/KEY} closes the connection without answering the first request for each KEY, then answers
 * 200; {@code /reset/...} always closes it; {@code /gate/...} answers once {@link #openGate()} is called;
 * {@code /big/...} streams 1 MiB in chunks of 16 KiB without a length; anything else answers 200 at once.
 * Thread-safe.
 */
final class ScriptedUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final long slowMillis;
    private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
    private final List<Promise<Void>> gates = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    /** @param slowMillis how long {@code /slow/...} takes to answer */
    ScriptedUpstream(long slowMillis) {
        this.slowMillis = slowMillis;
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().join();
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** @return how many requests reached {@code path} */
    int arrivals(String path) {
        AtomicInteger count = arrivals.get(path);
        return count == null ? 0 : count.get();
    }

    /** @return how many requests reached any path */
    int totalArrivals() {
        return arrivals.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** @return how many requests wait at {@code /gate/...} */
    int waitingAtGate() {
        return (int) gates.stream().filter(gate -> !gate.future().isComplete()).count();
    }

    /** Answers every request waiting at {@code /gate/...}. */
    void openGate() {
        gates.forEach(Promise::tryComplete);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        int count = arrivals.computeIfAbsent(path, key -> new AtomicInteger()).incrementAndGet();
        request.body().onComplete(read -> {
            if (path.startsWith("/slow/")) {
                vertx.setTimer(slowMillis, fired -> request.response().end("slow"));
            } else if (path.startsWith("/status/")) {
                request.response().setStatusCode(Integer.parseInt(path.substring("/status/".length())))
                        .end("scripted");
            } else if (path.startsWith("/reset/") || (path.startsWith("/reset-once/") && count == 1)) {
                request.connection().close();
            } else if (path.startsWith("/big/")) {
                request.response().setChunked(true);
                for (int i = 0; i < 64; i++) {
                    request.response().write(Buffer.buffer(new byte[16 * 1024]));
                }
                request.response().end();
            } else if (path.startsWith("/gate/")) {
                Promise<Void> gate = Promise.promise();
                gates.add(gate);
                gate.future().onComplete(open -> request.response().end("released"));
            } else {
                request.response().end("ok");
            }
        });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
