package dev.bulwark.bench;

import dev.bulwark.core.auth.password.Argon2Engine;
import dev.bulwark.core.auth.password.PasswordHasher;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.password.PasswordVerification;
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
 * Argon2id hashes per second with OWASP's parameters (m=19 MiB, t=2, p=1) on one thread: what one password
 * worker can do, and so how to size the worker pool for a login rate; for each engine. Add {@code -prof gc} to see
 * what each hash leaves on the Java heap.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PasswordHashingBenchmark {

    @Param({"NATIVE", "JAVA"})
    private Argon2Engine engine;

    private PasswordHasher hasher;
    private String stored;

    @Setup
    public void setUp() {
        hasher = new PasswordHasher(PasswordHashingConfig.OWASP.withEngine(engine));
        stored = hasher.hash("violet-kettle-orbit-93-Lantern");
    }

    @Benchmark
    public String hash() {
        return hasher.hash("violet-kettle-orbit-93-Lantern");
    }

    @Benchmark
    public PasswordVerification verify() {
        return hasher.verify("violet-kettle-orbit-93-Lantern", stored);
    }
}
