package dev.bulwark.core.chain;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The filters of one route, ordered by {@link Stage}, ending in a terminal step supplied per request (the
 * upstream call, or a refusal for unmatched requests).
 *
 * <p>Built once at compile time and immutable afterwards; safe to run from many threads. A filter that
 * throws is turned into a failed stage so the host answers 500 instead of losing the request.
 */
public final class FilterChain {

    private final String routeId;
    private final SecurityFilter[] filters;

    /**
     * @param routeId names the route in errors
     * @param filters the route's filters in configured order; sorted stably by stage here
     * @throws IllegalArgumentException when a filter's stage requires a stage no filter provides, e.g.
     *                                  authorization without authentication
     */
    public FilterChain(String routeId, List<? extends SecurityFilter> filters) {
        this.routeId = routeId;
        List<SecurityFilter> sorted = new ArrayList<>(filters);
        sorted.sort(Comparator.comparing(SecurityFilter::stage));
        Set<Stage> present = EnumSet.noneOf(Stage.class);
        sorted.forEach(filter -> present.add(filter.stage()));
        for (Stage stage : present) {
            for (Stage required : stage.requires()) {
                if (!present.contains(required)) {
                    throw new IllegalArgumentException("route " + routeId + ": " + stage.name().toLowerCase()
                            + " needs " + required.name().toLowerCase() + ", which the route does not configure");
                }
            }
        }
        this.filters = sorted.toArray(SecurityFilter[]::new);
    }

    /** @return the route this chain belongs to */
    public String routeId() {
        return routeId;
    }

    /** @return the filters in execution order (a copy) */
    public List<SecurityFilter> filters() {
        return List.of(filters);
    }

    /**
     * Runs the exchange through every filter, then {@code terminal}.
     *
     * @return the response to send; completes exceptionally only on a bug in a filter or the terminal
     */
    public CompletionStage<Response> run(Exchange exchange, Chain terminal) {
        return new Cursor(terminal).proceed(exchange);
    }

    /** Walks the array; one per request, so filters never share an index. */
    private final class Cursor implements Chain {
        private final Chain terminal;
        private int next;

        Cursor(Chain terminal) {
            this.terminal = terminal;
        }

        @Override
        public CompletionStage<Response> proceed(Exchange exchange) {
            try {
                if (next < filters.length) {
                    return filters[next++].filter(exchange, this);
                }
                return terminal.proceed(exchange);
            } catch (RuntimeException bug) {
                return CompletableFuture.failedFuture(bug);
            }
        }
    }
}
