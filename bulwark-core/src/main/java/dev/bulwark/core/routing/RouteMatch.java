package dev.bulwark.core.routing;

import java.util.Map;

/**
 * The route a request matched, with the values bound by its pattern.
 *
 * @param route      the compiled route
 * @param pathParams values of the pattern's {@code {name}} segments (decoded, as matched)
 */
public record RouteMatch(CompiledRoute route, Map<String, String> pathParams) {
}
