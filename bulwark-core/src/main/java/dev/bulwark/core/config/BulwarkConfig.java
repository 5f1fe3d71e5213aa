package dev.bulwark.core.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration as data: what the YAML loader produces and what Java callers build. Compiled once
 * into {@link dev.bulwark.core.routing.CompiledRoutes}; never consulted per request.
 *
 * @param mode      development or production
 * @param server    the listening side
 * @param upstreams backends by name
 * @param defaults  settings every route starts from
 * @param policies  named policies routes may reference
 * @param routes    routes in match order (first match wins)
 */
public record BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                            PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes) {

    public BulwarkConfig {
        upstreams = Map.copyOf(upstreams);
        policies = Map.copyOf(policies);
        routes = List.copyOf(routes);
    }
}
