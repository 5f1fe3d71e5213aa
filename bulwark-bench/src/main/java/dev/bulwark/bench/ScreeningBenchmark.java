package dev.bulwark.bench;

import dev.bulwark.core.iprules.IpLiterals;
import dev.bulwark.core.screening.IpReputationList;
import dev.bulwark.core.screening.ScannerUserAgents;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The per-request costs of screening: a reputation-list lookup in 100,000 random IPv4 blocks (the client address
 * parsed each time, as the filter does) and a scanner check of a browser's user agent against the built-in list.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScreeningBenchmark {

    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/131.0.0.0 Safari/537.36";

    private IpReputationList list;
    private String[] clients;
    private int next;
    private final ScannerUserAgents scanners = new ScannerUserAgents(List.of(), List.of());

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            int prefix = 16 + random.nextInt(17);
            long network = (random.nextInt() & 0xffffffffL) & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            text.append(dotted(network)).append('/').append(prefix).append('\n');
        }
        Path file = Files.createTempFile("reputation", ".txt");
        Files.writeString(file, text);
        list = IpReputationList.load(file, true);
        Files.delete(file);
        clients = new String[4096];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = dotted(random.nextInt() & 0xffffffffL);
        }
    }

    @Benchmark
    public boolean reputationLookupIn100kBlocks() {
        return list.contains(IpLiterals.parseClient(clients[next++ & (clients.length - 1)]));
    }

    @Benchmark
    public String scannerCheckOfABrowser() {
        return scanners.match(BROWSER);
    }

    private static String dotted(long address) {
        return (address >>> 24 & 0xff) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "."
                + (address & 0xff);
    }
}
