package dev.bulwark.bench;

import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.core.routing.NormalizedPath;
import dev.bulwark.core.routing.PathNormalizer;
import dev.bulwark.core.routing.RouteCompiler;
import dev.bulwark.core.routing.RouteMatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * First-match routing over 50 routes of a realistic API (parameterised, wildcard and method-restricted
 * patterns): a hit on the first route, one in the middle, the last one, and a miss that walks them all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteMatchingBenchmark {

    static final int RESOURCES = 25;

    @Param({"/api/health", "/api/resource12/4711", "/api/resource24/files/a/b/c.txt", "/nowhere/at/all"})
    public String path;

    private CompiledRoutes routes;
    private NormalizedPath normalized;

    @Setup
    public void setUp() {
        routes = RouteCompiler.compile(ConfigLoader.parse(configWithFiftyRoutes(), "bench.yaml", name -> null));
        normalized = PathNormalizer.normalize(path);
    }

    @Benchmark
    public RouteMatch match() {
        return routes.match("api.example.com", "GET", normalized);
    }

    /** The health route, then per resource one {@code /{id}} route and one {@code /**} route: 51 in all. */
    static String configWithFiftyRoutes() {
        StringBuilder yaml = new StringBuilder("""
                upstreams:
                  app: { url: "http://127.0.0.1:9000" }
                routes:
                  - id: health
                    match: { path: /api/health, methods: [GET] }
                    upstream: app
                """);
        for (int i = 0; i < RESOURCES; i++) {
            yaml.append("  - id: resource").append(i).append("-item\n")
                    .append("    match: { path: \"/api/resource").append(i)
                    .append("/{id}\", methods: [GET, PUT, DELETE] }\n")
                    .append("    upstream: app\n")
                    .append("  - id: resource").append(i).append("-all\n")
                    .append("    match: { path: \"/api/resource").append(i).append("/**\" }\n")
                    .append("    upstream: app\n");
        }
        return yaml.toString();
    }
}
