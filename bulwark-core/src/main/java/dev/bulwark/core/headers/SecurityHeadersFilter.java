package dev.bulwark.core.headers;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Hardens every response on its way out, refusals produced later in the chain included: sets the configured
 * security headers and removes headers that reveal the backend ({@code Server}, {@code X-Powered-By}...).
 *
 * <p>The gateway's value wins: a header this filter sends replaces whatever the upstream sent under that name,
 * so a backend cannot weaken the route's policy (for example with a permissive {@code Content-Security-Policy}).
 * A header configured as {@code null} is neither sent nor touched, so the upstream's own value, if any, passes
 * through; that is how a route lets its backend own its CSP. {@code Strict-Transport-Security} is sent only
 * when the request arrived over TLS (directly or via a trusted TLS proxy), since browsers ignore it otherwise.
 *
 * <p>Header values are computed once at construction. Thread-safe. Should run first within
 * {@link Stage#EDGE} so that the other edge filters' refusals are hardened too.
 */
public final class SecurityHeadersFilter implements SecurityFilter {

    private final String[] names;
    private final String[] values;
    private final String hsts;
    private final String[] removed;

    /**
     * @throws IllegalArgumentException when a header value contains a control character (it would split
     *                                  the response), or HSTS max-age is negative
     */
    public SecurityHeadersFilter(SecurityHeadersConfig config) {
        Objects.requireNonNull(config, "config");
        List<String> headerNames = new ArrayList<>();
        List<String> headerValues = new ArrayList<>();
        addIfSet(headerNames, headerValues, "Content-Security-Policy", config.contentSecurityPolicy());
        addIfSet(headerNames, headerValues, "X-Frame-Options", config.frameOptions());
        addIfSet(headerNames, headerValues, "X-Content-Type-Options", config.noSniff() ? "nosniff" : null);
        addIfSet(headerNames, headerValues, "Referrer-Policy", config.referrerPolicy());
        addIfSet(headerNames, headerValues, "Cross-Origin-Resource-Policy", config.crossOriginResourcePolicy());
        addIfSet(headerNames, headerValues, "Permissions-Policy", config.permissionsPolicy());
        this.names = headerNames.toArray(String[]::new);
        this.values = headerValues.toArray(String[]::new);
        this.hsts = config.hsts() == null ? null : hstsValue(config.hsts());
        List<String> toRemove = new ArrayList<>(config.removeResponseHeaders());
        // Never strip what this filter itself sets, whatever the list says.
        toRemove.removeIf(name -> headerNames.stream().anyMatch(name::equalsIgnoreCase)
                || (hsts != null && name.equalsIgnoreCase("Strict-Transport-Security")));
        this.removed = toRemove.toArray(String[]::new);
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        boolean secure = exchange.secure();
        return chain.proceed(exchange).thenApply(response -> {
            Headers headers = response.headers();
            for (String name : removed) {
                headers.remove(name);
            }
            for (int i = 0; i < names.length; i++) {
                headers.set(names[i], values[i]);
            }
            if (hsts != null && secure) {
                headers.set("Strict-Transport-Security", hsts);
            }
            return response;
        });
    }

    private static void addIfSet(List<String> names, List<String> values, String name, String value) {
        if (value == null) {
            return;
        }
        checkValue(name, value);
        names.add(name);
        values.add(value);
    }

    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException(name.toLowerCase(Locale.ROOT)
                        + " must not contain control characters: " + value.replace("\r", "\\r").replace("\n", "\\n"));
            }
        }
    }

    private static String hstsValue(SecurityHeadersConfig.Hsts hsts) {
        if (hsts.maxAge() == null || hsts.maxAge().isNegative()) {
            throw new IllegalArgumentException("hsts max-age must not be negative: " + hsts.maxAge());
        }
        StringBuilder value = new StringBuilder("max-age=").append(hsts.maxAge().toSeconds());
        if (hsts.includeSubDomains()) {
            value.append("; includeSubDomains");
        }
        if (hsts.preload()) {
            value.append("; preload");
        }
        return value.toString();
    }
}
