package dev.bulwark.core.routing;

import dev.bulwark.api.Chain;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;

/**
 * A route ready to serve: its filters are built, its policy merged, its upstream resolved. Immutable.
 *
 * <p>Exactly one of {@code upstream} and {@code handler} is set: configured routes proxy to an upstream, the
 * gateway's own endpoints (login, JWKS) are answered by a handler after the same filters.
 *
 * @param id       the route id
 * @param source   the route as configured
 * @param policy   the effective policy (defaults, then named policies, then inline settings)
 * @param upstream where allowed requests go, or {@code null} for a local handler
 * @param chain    the route's filters in stage order
 * @param handler  answers allowed requests locally, or {@code null} for a proxied route
 */
public record CompiledRoute(String id, RouteConfig source, PolicyConfig policy, UpstreamConfig upstream,
                            FilterChain chain, Chain handler) {

    public CompiledRoute {
        if ((upstream == null) == (handler == null)) {
            throw new IllegalArgumentException("route " + id + " needs exactly one of an upstream and a handler");
        }
    }

    /** A proxied route. */
    public CompiledRoute(String id, RouteConfig source, PolicyConfig policy, UpstreamConfig upstream,
                         FilterChain chain) {
        this(id, source, policy, upstream, chain, null);
    }
}
