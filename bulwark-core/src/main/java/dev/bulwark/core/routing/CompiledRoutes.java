package dev.bulwark.core.routing;

import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.screening.IpReputationList;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routes of a configuration, ready to serve: produced by {@link RouteCompiler#compile(BulwarkConfig)},
 * then asked once per request which route applies.
 *
 * <p>Matching walks the routes in configured order and returns the first whose host pattern, method and
 * path pattern all accept the request; it neither parses nor allocates, except for the path-parameter map
 * of a route that has parameters. Immutable and thread-safe.
 */
public final class CompiledRoutes {

    private final BulwarkConfig config;
    private final List<CompiledRoute> routes;
    private final Entry[] entries;
    private final boolean anyHostPattern;
    private final FilterChain fallbackChain;
    private final UpstreamConfig fallbackUpstream;
    private final Entry admin;
    private final IpReputationList ipReputation;

    /** One route with its compiled match conditions; empty arrays mean "any". */
    record Entry(CompiledRoute route, HostPattern[] hosts, String[] methods, PathPattern path) {
    }

    /**
     * @param admin        the admin API's route, or {@code null} when the API is off
     * @param ipReputation the reputation list screening reads, or {@code null} when none is configured
     */
    CompiledRoutes(BulwarkConfig config, List<Entry> entries, FilterChain fallbackChain,
                   UpstreamConfig fallbackUpstream, Entry admin, IpReputationList ipReputation) {
        this.config = config;
        this.entries = entries.toArray(Entry[]::new);
        this.routes = entries.stream().map(Entry::route).toList();
        boolean hosts = false;
        for (Entry entry : this.entries) {
            hosts |= entry.hosts().length > 0;
        }
        this.anyHostPattern = hosts;
        this.fallbackChain = fallbackChain;
        this.fallbackUpstream = fallbackUpstream;
        this.admin = admin;
        this.ipReputation = ipReputation;
    }

    /**
     * @return the reputation list of {@code screening.ipReputation}, which the host reloads every
     *     {@code reloadInterval} ({@link IpReputationList#reloadIfChanged}); {@code null} when none is configured
     */
    public IpReputationList ipReputation() {
        return ipReputation;
    }

    /**
     * Finds the route for a request.
     *
     * @param host   the requested host ({@code Host} or {@code :authority}); a port and a trailing dot are
     *               ignored, case does not matter; {@code null} matches only routes without host patterns
     * @param method the request method, case-insensitive; {@code HEAD} also matches routes that allow {@code GET}
     * @param path   the request path as normalized by {@link PathNormalizer}; matched case-insensitively,
     *               parameters taken from its case-kept form
     * @return the first matching route with its path parameters, or {@code null} when none matches
     * @throws IllegalStateException when {@code path} is a refusal (refuse the request instead of matching)
     */
    public RouteMatch match(String host, String method, NormalizedPath path) {
        String matchPath = path.matchPath();
        String upperMethod = method.toUpperCase(Locale.ROOT);
        String canonicalHost = anyHostPattern ? HostPattern.canonical(host) : null;
        for (Entry entry : entries) {
            if (hostMatches(entry.hosts(), canonicalHost) && methodMatches(entry.methods(), upperMethod)
                    && entry.path().matches(matchPath)) {
                return new RouteMatch(entry.route(), entry.path().parameters(path.path()));
            }
        }
        return null;
    }

    /**
     * Finds the admin API's route. It is not among {@link #routes()}, because a host may serve it on a port of its
     * own ({@code admin.port}); where it is served, it is asked first.
     *
     * @param path the request path as normalized by {@link PathNormalizer}
     * @return the admin route when the API is on and the path is under its prefix, otherwise {@code null}
     * @throws IllegalStateException when {@code path} is a refusal
     */
    public RouteMatch matchAdmin(NormalizedPath path) {
        return admin != null && admin.path().matches(path.matchPath()) ? new RouteMatch(admin.route(), Map.of())
                : null;
    }

    /** @return the admin API's route, or {@code null} when the API is off */
    public CompiledRoute adminRoute() {
        return admin == null ? null : admin.route();
    }

    private static boolean hostMatches(HostPattern[] hosts, String host) {
        if (hosts.length == 0) {
            return true;
        }
        for (HostPattern pattern : hosts) {
            if (pattern.matches(host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean methodMatches(String[] methods, String method) {
        if (methods.length == 0) {
            return true;
        }
        for (String allowed : methods) {
            if (allowed.equals(method) || (allowed.equals("GET") && method.equals("HEAD"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the chain for requests no route matches, or whose path was refused: the defaults' request-id
     *     filter and edge filters (host allowlist, header limits, security headers), plus the default body
     *     limit when a {@link #fallbackUpstream()} is configured, because then the request is forwarded
     */
    public FilterChain fallbackChain() {
        return fallbackChain;
    }

    /** @return the compiled routes in match order */
    public List<CompiledRoute> routes() {
        return routes;
    }

    /** @return the configuration these routes were compiled from */
    public BulwarkConfig config() {
        return config;
    }

    /** @return where unmatched requests go, or {@code null} when they are answered with 404 */
    public UpstreamConfig fallbackUpstream() {
        return fallbackUpstream;
    }
}
