package dev.bulwark.bench;

import dev.bulwark.core.routing.NormalizedPath;
import dev.bulwark.core.routing.PathNormalizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of normalizing one request path, paid once per request before routing: the clean common case,
 * a path needing every rewrite, a percent-decoded one, and an attack refused outright.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PathNormalizerBenchmark {

    @Param({
            "/api/products/42",
            "/api//orders/./42/../43;jsessionid=abc/items/",
            "/api/caf%C3%A9/menu%20items",
            "/api/products/..%2f..%2fadmin"
    })
    public String rawPath;

    @Benchmark
    public NormalizedPath normalize() {
        return PathNormalizer.normalize(rawPath);
    }
}
