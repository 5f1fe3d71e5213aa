package dev.bulwark.core.config;

import java.util.List;
import java.util.Set;

/**
 * One route as configured, before compilation.
 *
 * @param id       a unique name, used in logs, metrics and events
 * @param hosts    host patterns this route serves (exact or {@code *.example.com}); empty matches any host
 * @param methods  upper-case methods; empty matches any
 * @param path     a path pattern: literal segments, {@code {name}} for one segment, {@code *} for one
 *                 unnamed segment, a trailing {@code **} for any rest (including nothing)
 * @param upstream the name of the upstream to forward to
 * @param policies named policies applied in order
 * @param inline   settings written on the route itself, applied last
 */
public record RouteConfig(String id, Set<String> hosts, Set<String> methods, String path, String upstream,
                          List<String> policies, PolicyConfig inline) {

    public RouteConfig {
        hosts = Set.copyOf(hosts);
        methods = Set.copyOf(methods);
        policies = List.copyOf(policies);
    }
}
