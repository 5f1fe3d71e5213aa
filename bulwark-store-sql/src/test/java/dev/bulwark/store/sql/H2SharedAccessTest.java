package dev.bulwark.store.sql;

import dev.bulwark.api.store.CreateUserResult;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.User;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes use one H2 data directory at the same time (a running gateway and the {@code bulwark users}
 * command): the first serves the file to the other over a loopback port, and the other takes over when the
 * first closes. The other process is a real second JVM; inside one JVM H2 shares the open database anyway.
 */
class H2SharedAccessTest {

    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dataDir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void anotherProcessReadsAndWritesTheDatabaseWhileThisOneHoldsIt() throws Exception {
        try (SqlDatabase database = SqlDatabase.h2(dataDir)) {
            SqlUserStore users = new SqlUserStore(database, new FakeClock());
            create(users, "here@example.com");

            Process other = start("there@example.com", "here@example.com", "exit");
            List<String> output = readAll(other);

            assertThat(other.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(output).contains("created there@example.com", "found here@example.com");
            assertThat(other.exitValue()).as(String.join("\n", output)).isZero();
            assertThat(await(users.findByEmail("there@example.com"))).isPresent();
        }
    }

    @Test
    void theSharedDatabaseListensOnLoopbackOnly() throws Exception {
        try (SqlDatabase database = SqlDatabase.h2(dataDir)) {
            create(new SqlUserStore(database, new FakeClock()), "here@example.com");

            Properties lock = new Properties();
            try (Reader reader = Files.newBufferedReader(dataDir.resolve("bulwark.lock.db"),
                    StandardCharsets.ISO_8859_1)) {
                lock.load(reader);
            }
            String server = lock.getProperty("server");
            assertThat(server).as("the address other processes are told to use").startsWith("localhost:");
            int port = Integer.parseInt(server.substring("localhost:".length()));
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            }

            Optional<InetAddress> external = externalAddress();
            Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback address to try");
            try (Socket outside = new Socket()) {
                boolean connected;
                try {
                    outside.connect(new InetSocketAddress(external.get(), port), 2_000);
                    connected = true;
                } catch (IOException refused) {
                    connected = false;
                }
                assertThat(connected).as("port %d reachable on %s", port, external.get()).isFalse();
            }
        }
    }

    @Test
    void whenTheProcessHoldingTheFileStopsTheOtherTakesItOver() throws Exception {
        Process holder = start("first@example.com", "first@example.com", "wait");
        BufferedReader holderOutput = reader(holder);
        assertThat(within(CompletableFuture.supplyAsync(() -> readUntil(holderOutput, "ready"))))
                .contains("created first@example.com");

        try (SqlDatabase database = SqlDatabase.h2(dataDir)) {
            SqlUserStore users = new SqlUserStore(database, new FakeClock());
            assertThat(await(users.findByEmail("first@example.com"))).isPresent();
            create(users, "second@example.com");

            try (Writer stop = new OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8)) {
                stop.write("stop\n");
            }
            assertThat(holder.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).isZero();

            create(users, "third@example.com");
            assertThat(await(users.list(null, 10)).users()).extracting(User::email)
                    .containsExactly("first@example.com", "second@example.com", "third@example.com");
        }
    }

    // ---- the other process ----

    /**
     * The second process: opens the directory, creates {@code args[1]}, looks up {@code args[2]}, then exits
     * ({@code args[3]} = {@code exit}) or holds the database until a line arrives on standard input
     * ({@code wait}).
     */
    public static final class OtherProcess {
        public static void main(String[] args) throws Exception {
            try (SqlDatabase database = SqlDatabase.h2(Path.of(args[0]))) {
                SqlUserStore users = new SqlUserStore(database, new FakeClock());
                create(users, args[1]);
                System.out.println("created " + args[1]);
                System.out.println(await(users.findByEmail(args[2])).isPresent() ? "found " + args[2] : "missing");
                System.out.println("ready");
                System.out.flush();
                if (args[3].equals("wait")) {
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                }
            }
            System.exit(0);
        }
    }

    private Process start(String create, String find, String mode) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OtherProcess.class.getName(), dataDir.toString(), create, find, mode)
                .redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static List<String> readAll(Process process) throws Exception {
        BufferedReader reader = reader(process);
        return within(CompletableFuture.supplyAsync(() -> readUntil(reader, null)));
    }

    /** @return the lines read until {@code last} (included) or the end of the output */
    private static List<String> readUntil(BufferedReader reader, String last) {
        List<String> lines = new ArrayList<>();
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
                if (line.equals(last)) {
                    break;
                }
            }
        } catch (IOException e) {
            lines.add("read failed: " + e);
        }
        return lines;
    }

    private static <T> T within(CompletableFuture<T> future) throws Exception {
        return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void create(SqlUserStore users, String email) throws Exception {
        CreateUserResult result = await(users.create(new NewUser(email, email,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", Set.of("user"), Set.of(), Set.of())));
        assertThat(result).isInstanceOf(CreateUserResult.Created.class);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static Optional<InetAddress> externalAddress() throws IOException {
        for (NetworkInterface face : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!face.isUp() || face.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(face.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
