package dev.bulwark.core.requestid;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id that operators and clients can quote: keeps a well-formed incoming one, otherwise
 * generates a random UUID, then sends it upstream and echoes it on the response, refusals included.
 *
 * <p>An incoming id is well formed when it is the only value of the configured header, 1 to
 * {@code maxLength} characters long, and made only of {@code [A-Za-z0-9._:-]}; anything else (CRLF, spaces,
 * quotes, non-ASCII, empty, repeated) is replaced, because the id ends up in logs, events and problem bodies.
 * Generated ids come from {@link ThreadLocalRandom}: unique enough to correlate, not secret. Thread-safe.
 */
public final class RequestIdFilter implements SecurityFilter {

    private final String header;
    private final boolean trustIncoming;
    private final int maxLength;

    /**
     * @throws IllegalArgumentException when the header name is blank or not a valid token, or
     *                                  {@code maxLength} is not positive
     */
    public RequestIdFilter(RequestIdConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.header() == null || config.header().isEmpty() || !isWellFormed(config.header(), 256)) {
            throw new IllegalArgumentException("request id header must be a header name: " + config.header());
        }
        if (config.maxLength() <= 0) {
            throw new IllegalArgumentException("request id max length must be positive: " + config.maxLength());
        }
        this.header = config.header();
        this.trustIncoming = config.trustIncoming();
        this.maxLength = config.maxLength();
    }

    @Override
    public Stage stage() {
        return Stage.REQUEST_ID;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        String id = trustIncoming ? incoming(exchange) : null;
        if (id == null) {
            id = generate();
        }
        String requestId = id;
        exchange.requestId(requestId);
        exchange.requestHeaders().set(header, requestId);
        return chain.proceed(exchange).thenApply(response -> {
            response.headers().set(header, requestId);
            return response;
        });
    }

    private String incoming(Exchange exchange) {
        String value = exchange.requestHeaders().get(header);
        if (value == null || !isWellFormed(value, maxLength)) {
            return null;
        }
        // Two ids make it ambiguous which one the backend and the logs would use.
        List<String> all = exchange.requestHeaders().getAll(header);
        return all.size() == 1 ? value : null;
    }

    private static boolean isWellFormed(String value, int maxLength) {
        int length = value.length();
        if (length == 0 || length > maxLength) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == ':';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // Version 4, IETF variant bits, so the id is a valid random UUID to anyone who parses it.
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
