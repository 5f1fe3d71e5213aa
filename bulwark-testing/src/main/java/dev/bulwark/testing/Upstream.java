package dev.bulwark.testing;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake backend at the end of a chain: records every exchange that reached it, with a snapshot of the
 * request headers it would have received, and answers with a fresh response built per call.
 *
 * <p>Use it to assert that a refused request "never reached the backend" ({@link #reached()}) and what an
 * allowed one carried upstream ({@link #lastRequestHeaders()}). Thread-safe.
 */
public final class Upstream implements Chain {

    /** The body of {@link #ok()} responses. */
    public static final String OK_BODY = "{\"ok\":true}";

    private final Function<Exchange, Response> responder;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<Headers> requestHeaders = new CopyOnWriteArrayList<>();

    private Upstream(Function<Exchange, Response> responder) {
        this.responder = responder;
    }

    /** @return an upstream answering {@code 200} with {@link #OK_BODY} as JSON */
    public static Upstream ok() {
        return respond(200);
    }

    /**
     * @param status        the status to answer with
     * @param headerPairs   response header names and values, alternating ({@code "Server", "nginx"})
     * @return an upstream answering with {@link #OK_BODY} as JSON plus the given headers
     * @throws IllegalArgumentException when {@code headerPairs} has an odd length
     */
    public static Upstream respond(int status, String... headerPairs) {
        if (headerPairs.length % 2 != 0) {
            throw new IllegalArgumentException("header pairs must come in name/value pairs: " + headerPairs.length);
        }
        List<String> pairs = List.of(headerPairs);
        return new Upstream(exchange -> {
            Response response = Response.of(status, "application/json", OK_BODY.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < pairs.size(); i += 2) {
                response.headers().add(pairs.get(i), pairs.get(i + 1));
            }
            return response;
        });
    }

    /** @return an upstream answering with whatever {@code responder} builds for each exchange */
    public static Upstream respondingWith(Function<Exchange, Response> responder) {
        return new Upstream(Objects.requireNonNull(responder, "responder"));
    }

    /**
     * @return a terminal step that refuses like a filter later in the chain would (one event, a problem
     *     body), so tests can check how earlier filters post-process refusals
     */
    public static Upstream refusing(Reason reason) {
        return new Upstream(exchange -> exchange.refuse(reason, "test", "refused later in the chain"));
    }

    @Override
    public CompletionStage<Response> proceed(Exchange exchange) {
        exchanges.add(exchange);
        Headers snapshot = Headers.create();
        exchange.requestHeaders().forEach(snapshot::add);
        requestHeaders.add(snapshot);
        return CompletableFuture.completedFuture(responder.apply(exchange));
    }

    /** @return whether any exchange reached this upstream */
    public boolean reached() {
        return !exchanges.isEmpty();
    }

    /** @return how many exchanges reached this upstream */
    public int calls() {
        return exchanges.size();
    }

    /** @return the exchanges that reached this upstream, in order */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /**
     * @return a copy of the request headers of the last exchange, as they were when it arrived
     * @throws AssertionError when nothing reached this upstream
     */
    public Headers lastRequestHeaders() {
        if (requestHeaders.isEmpty()) {
            throw new AssertionError("no request reached the upstream");
        }
        return requestHeaders.get(requestHeaders.size() - 1);
    }
}
