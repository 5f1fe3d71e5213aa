package dev.bulwark.core.edge;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Refuses requests for hosts this gateway does not serve ({@code 421}, {@link Reason#HOST_NOT_ALLOWED}), which
 * blocks Host-header injection and DNS rebinding against the backends.
 *
 * <p>Entries are exact host names ({@code api.example.com}, an IP literal) or subdomain patterns
 * ({@code *.example.com}), which match any depth of subdomain made of valid labels but not the apex
 * {@code example.com}. Matching is case-insensitive and ignores one trailing dot. A request without a host is
 * refused. Entries are compiled once; thread-safe.
 */
public final class HostAllowlistFilter implements SecurityFilter {

    private static final int MAX_ECHOED = 100;

    private final Set<String> exact = new HashSet<>();
    private final String[] suffixes;

    /**
     * @throws IllegalArgumentException when the list is empty, or an entry is blank, carries a scheme, port or
     *                                  path, or uses {@code *} other than as a whole leading label
     */
    public HostAllowlistFilter(List<String> allowedHosts) {
        if (allowedHosts == null || allowedHosts.isEmpty()) {
            throw new IllegalArgumentException("allowed hosts must not be empty: " + allowedHosts);
        }
        Set<String> suffixSet = new HashSet<>();
        for (String entry : allowedHosts) {
            String host = entry == null ? "" : stripTrailingDot(entry.trim().toLowerCase(Locale.ROOT));
            if (host.isEmpty() || host.contains("/") || (host.contains(":") && !host.startsWith("["))) {
                throw new IllegalArgumentException("allowed host must be a host name without scheme or port: "
                        + entry);
            }
            if (host.startsWith("*.")) {
                String suffix = host.substring(1);
                if (suffix.indexOf('*') >= 0 || !HostNames.isHostName(suffix.substring(1))) {
                    throw new IllegalArgumentException("allowed host pattern must be *.domain: " + entry);
                }
                suffixSet.add(suffix);
            } else if (host.indexOf('*') >= 0) {
                throw new IllegalArgumentException("allowed host pattern must be *.domain: " + entry);
            } else {
                exact.add(host);
            }
        }
        this.suffixes = suffixSet.toArray(String[]::new);
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        String host = exchange.host();
        if (host == null || host.isEmpty()) {
            return CompletableFuture.completedFuture(
                    exchange.refuse(Reason.HOST_NOT_ALLOWED, "host-allowlist", "request has no host"));
        }
        if (!allowed(host)) {
            String shown = host.length() > MAX_ECHOED ? host.substring(0, MAX_ECHOED) + "..." : host;
            return CompletableFuture.completedFuture(
                    exchange.refuse(Reason.HOST_NOT_ALLOWED, "host-allowlist", "host not allowed: " + shown));
        }
        return chain.proceed(exchange);
    }

    private boolean allowed(String rawHost) {
        String host = stripTrailingDot(rawHost.toLowerCase(Locale.ROOT));
        if (exact.contains(host)) {
            return true;
        }
        for (String suffix : suffixes) {
            if (host.length() > suffix.length() && host.endsWith(suffix)
                    && HostNames.isHostName(host.substring(0, host.length() - suffix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static String stripTrailingDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
