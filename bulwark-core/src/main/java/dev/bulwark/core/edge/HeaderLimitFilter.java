package dev.bulwark.core.edge;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Refuses requests with too many or too large header fields ({@code 431}, {@link Reason#HEADERS_TOO_LARGE})
 * before any later filter or the backend spends work on them.
 *
 * <p>Counts every field (a repeated name counts once per value) and sizes each as name + value + 4 bytes
 * (the {@code ": "} and CRLF on the wire), counting one byte per character as HTTP/1.1 header bytes are
 * decoded as ISO-8859-1. Thread-safe.
 */
public final class HeaderLimitFilter implements SecurityFilter {

    private final int maxHeaderCount;
    private final int maxHeaderBytes;

    /** @throws IllegalArgumentException when either limit is not positive */
    public HeaderLimitFilter(int maxHeaderCount, int maxHeaderBytes) {
        if (maxHeaderCount <= 0) {
            throw new IllegalArgumentException("max header count must be positive: " + maxHeaderCount);
        }
        if (maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("max header bytes must be positive: " + maxHeaderBytes);
        }
        this.maxHeaderCount = maxHeaderCount;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        int count = exchange.requestHeaders().size();
        if (count > maxHeaderCount) {
            return CompletableFuture.completedFuture(exchange.refuse(Reason.HEADERS_TOO_LARGE, "header-limit",
                    "request has " + count + " header fields, the limit is " + maxHeaderCount));
        }
        long[] bytes = new long[1];
        exchange.requestHeaders().forEach((name, value) -> bytes[0] += name.length() + value.length() + 4L);
        if (bytes[0] > maxHeaderBytes) {
            return CompletableFuture.completedFuture(exchange.refuse(Reason.HEADERS_TOO_LARGE, "header-limit",
                    "request headers take " + bytes[0] + " bytes, the limit is " + maxHeaderBytes));
        }
        return chain.proceed(exchange);
    }
}
