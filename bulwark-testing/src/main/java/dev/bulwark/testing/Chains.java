package dev.bulwark.testing;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs filters in tests without a host: through a minimal chain that orders them by stage (stable, like the
 * real chain) and ends in a terminal step, usually an {@link Upstream}. Stateless and thread-safe.
 */
public final class Chains {

    private Chains() {
    }

    /**
     * Runs {@code exchange} through {@code filters} (sorted stably by stage), then {@code terminal}, and waits
     * for the response.
     *
     * @throws AssertionError when a filter or the terminal fails or takes longer than five seconds
     */
    public static Response run(Exchange exchange, Chain terminal, SecurityFilter... filters) {
        return await(start(exchange, terminal, filters));
    }

    /** Like {@link #run}, but returns the stage instead of waiting, to test failures. */
    public static CompletionStage<Response> start(Exchange exchange, Chain terminal, SecurityFilter... filters) {
        List<SecurityFilter> sorted = new ArrayList<>(List.of(filters));
        sorted.sort(Comparator.comparing(SecurityFilter::stage));
        return new Step(sorted, 0, terminal).proceed(exchange);
    }

    /**
     * Waits for a response.
     *
     * @throws AssertionError when the stage failed (with the failure as cause) or did not complete in five
     *                        seconds
     */
    public static Response await(CompletionStage<Response> stage) {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            throw new AssertionError("the chain failed: " + failed.getCause(), failed.getCause());
        } catch (TimeoutException slow) {
            throw new AssertionError("the chain did not complete within 5 seconds", slow);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the chain", interrupted);
        }
    }

    /** One position in the chain; a fresh step per call so a filter calling proceed twice is visible. */
    private record Step(List<SecurityFilter> filters, int index, Chain terminal) implements Chain {
        @Override
        public CompletionStage<Response> proceed(Exchange exchange) {
            if (index == filters.size()) {
                return terminal.proceed(exchange);
            }
            return filters.get(index).filter(exchange, new Step(filters, index + 1, terminal));
        }
    }
}
