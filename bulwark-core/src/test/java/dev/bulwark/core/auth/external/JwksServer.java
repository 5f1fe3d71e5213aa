package dev.bulwark.core.auth.external;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A real identity provider's JWKS endpoint on a loopback port, whose answers a test changes and counts. */
final class JwksServer implements AutoCloseable {

    /** What the endpoint answers; {@code chunked} sends the body without a content length. */
    record Answer(int status, String contentType, String cacheControl, byte[] body, boolean chunked) {
        static Answer json(String body) {
            return new Answer(200, "application/json", null, body.getBytes(StandardCharsets.UTF_8), false);
        }

        Answer withCacheControl(String value) {
            return new Answer(status, contentType, value, body, chunked);
        }

        Answer sentChunked() {
            return new Answer(status, contentType, cacheControl, body, true);
        }
    }

    private final HttpServer server;
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();

    JwksServer(JWK... keys) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", this::handle);
        server.start();
        publish(keys);
    }

    /** Serves the public halves of {@code keys} as a JWK set. */
    void publish(JWK... keys) {
        answer.set(Answer.json(new JWKSet(List.of(keys)).toString(true)));
    }

    void answer(Answer next) {
        answer.set(next);
    }

    /** Until {@link #release()}, requests are held before they are answered. */
    void holdRequests() {
        hold.set(new CountDownLatch(1));
    }

    void release() {
        CountDownLatch latch = hold.getAndSet(null);
        if (latch != null) {
            latch.countDown();
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        CountDownLatch latch = hold.get();
        if (latch != null) {
            try {
                latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Answer current = answer.get();
        if (current.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", current.contentType());
        }
        if (current.cacheControl() != null) {
            exchange.getResponseHeaders().set("Cache-Control", current.cacheControl());
        }
        exchange.sendResponseHeaders(current.status(), current.chunked() ? 0 : current.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(current.body());
        } catch (IOException clientWentAway) {
            // The client cancels oversized bodies: that is the behaviour under test.
        }
        exchange.close();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
