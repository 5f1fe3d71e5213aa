package dev.bulwark.core.routing;

import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;

/**
 * A route ready to serve: its filters are built, its policy merged, its upstream resolved. Immutable.
 *
 * @param id       the route id
 * @param source   the route as configured
 * @param policy   the effective policy (defaults, then named policies, then inline settings)
 * @param upstream where allowed requests go
 * @param chain    the route's filters in stage order
 */
public record CompiledRoute(String id, RouteConfig source, PolicyConfig policy, UpstreamConfig upstream,
                            FilterChain chain) {
}
