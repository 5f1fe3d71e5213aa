package dev.bulwark.core.identityheaders;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.config.ConfigProblem;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Removes the identity headers the gateway owns from every client request, at {@link Stage#EDGE}, so no later
 * filter (a rate-limit key, a log line) and no backend ever reads a client's own {@code X-User-Id} or
 * {@code X-Bulwark-*}: those names only ever carry what {@link IdentityHeadersFilter} puts there after
 * authentication.
 *
 * <p>Strips {@link IdentityHeadersConfig#effectiveStrip()}: names compared without regard to case, every value of a
 * repeated field, {@code *} entries as prefixes. Runs on anonymous and refused requests alike and never refuses
 * anything itself. Thread-safe.
 */
public final class IdentityHeaderStripFilter implements SecurityFilter {

    private final StripList strip;

    /** @throws IllegalArgumentException naming the first problem {@link IdentityHeadersConfig#problems} reports */
    public IdentityHeaderStripFilter(IdentityHeadersConfig config) {
        this.strip = new StripList(validated(config).effectiveStrip());
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        strip.stripFrom(exchange.requestHeaders());
        return chain.proceed(exchange);
    }

    static IdentityHeadersConfig validated(IdentityHeadersConfig config) {
        Objects.requireNonNull(config, "config");
        List<ConfigProblem> problems = IdentityHeadersConfig.problems(config, "identityHeaders");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().toString());
        }
        return config;
    }
}
