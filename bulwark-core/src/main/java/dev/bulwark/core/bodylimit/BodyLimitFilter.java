package dev.bulwark.core.bodylimit;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.edge.MediaTypes;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Caps the request body by its content type: sets the cap the host enforces while streaming, and refuses at
 * once ({@code 413}, {@link Reason#BODY_TOO_LARGE}) when the declared {@code Content-Length} already exceeds it.
 *
 * <p>{@code application/json} and {@code +json} types get the JSON cap, {@code text/*} the text cap, anything
 * else (including no content type) the other cap. When the request repeats {@code Content-Type}, the smallest
 * applicable cap wins, so a second header cannot buy a larger body. An earlier, lower cap on the exchange is
 * kept. Thread-safe.
 */
public final class BodyLimitFilter implements SecurityFilter {

    private final long json;
    private final long text;
    private final long other;

    /** @throws IllegalArgumentException when a cap is negative */
    public BodyLimitFilter(BodyLimitConfig config) {
        Objects.requireNonNull(config, "config");
        this.json = checked("json", config.json());
        this.text = checked("text", config.text());
        this.other = checked("other", config.other());
    }

    @Override
    public Stage stage() {
        return Stage.BODY_LIMIT;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        long cap = capFor(exchange.requestHeaders().getAll("Content-Type"));
        long limit = Math.min(cap, exchange.bodyLimit());
        exchange.bodyLimit(limit);
        long declared = exchange.contentLength();
        if (declared > limit) {
            return CompletableFuture.completedFuture(exchange.refuse(Reason.BODY_TOO_LARGE, "body-limit",
                    "declared body of " + declared + " bytes exceeds the limit of " + limit + " bytes"));
        }
        return chain.proceed(exchange);
    }

    private long capFor(List<String> contentTypes) {
        if (contentTypes.isEmpty()) {
            return other;
        }
        long cap = Long.MAX_VALUE;
        for (String contentType : contentTypes) {
            cap = Math.min(cap, capFor(contentType));
        }
        return cap;
    }

    private long capFor(String contentType) {
        String mediaType = MediaTypes.of(contentType);
        int slash = mediaType.indexOf('/');
        if (slash <= 0) {
            return other;
        }
        if (MediaTypes.isJson(mediaType)) {
            return json;
        }
        return mediaType.startsWith("text/") ? text : other;
    }

    private static long checked(String kind, long cap) {
        if (cap < 0) {
            throw new IllegalArgumentException(kind + " body limit must not be negative: " + cap);
        }
        return cap;
    }
}
