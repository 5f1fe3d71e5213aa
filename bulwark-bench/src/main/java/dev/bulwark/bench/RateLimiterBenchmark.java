package dev.bulwark.bench;

import dev.bulwark.api.store.RateLimitDecision;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.core.ratelimit.InMemoryRateLimitStore;
import dev.bulwark.core.routing.RouteServices;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Decisions per second of the in-memory GCRA store through its SPI ({@code acquire}, a completed stage per
 * call): one hot key, one key hammered from two threads, a million distinct keys all held, and a million keys
 * sprayed through a store bounded at its gateway default (every decision for a new key evicts one).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimiterBenchmark {

    private static final int KEYS = 1 << 20;
    private static final RateLimitRule GENERAL = RateLimitRule.of(500, Duration.ofMinutes(15));

    private final long now = 1_735_689_600_000L;
    private InMemoryRateLimitStore singleKeyStore;
    private InMemoryRateLimitStore allKeysStore;
    private InMemoryRateLimitStore boundedStore;
    private String[] keys;

    /** A per-thread cursor over {@link #keys}, so threads do not share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() {
        singleKeyStore = new InMemoryRateLimitStore(1024);
        allKeysStore = new InMemoryRateLimitStore(2 * KEYS);
        boundedStore = new InMemoryRateLimitStore(RouteServices.IN_MEMORY_RATE_LIMIT_KEYS);
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "general|10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
        }
        for (String key : keys) {
            allKeysStore.acquire(key, GENERAL, now, 1);
        }
    }

    @Benchmark
    public CompletionStage<RateLimitDecision> singleKey() {
        return singleKeyStore.acquire("general|203.0.113.10", GENERAL, now, 1);
    }

    @Benchmark
    @Threads(2)
    public CompletionStage<RateLimitDecision> singleKeyTwoThreads() {
        return singleKeyStore.acquire("general|203.0.113.10", GENERAL, now, 1);
    }

    @Benchmark
    public CompletionStage<RateLimitDecision> millionKeysHeld(Cursor cursor) {
        return allKeysStore.acquire(keys[cursor.next++ & (KEYS - 1)], GENERAL, now, 1);
    }

    @Benchmark
    public CompletionStage<RateLimitDecision> millionKeysThroughBoundedStore(Cursor cursor) {
        return boundedStore.acquire(keys[cursor.next++ & (KEYS - 1)], GENERAL, now, 1);
    }
}
