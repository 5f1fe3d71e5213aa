package dev.bulwark.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code bulwark demo} as a real process, the way a user does, and stops it with SIGTERM. */
class GracefulStopTest {

    private static final Pattern GATEWAY_LINE = Pattern.compile("\\s+gateway\\s+(http://localhost:\\d+)");

    @TempDir
    Path dir;

    @Test
    void demoServesUntilSigtermThenStopsGracefullyWithExitCodeZero() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The child logs to its own file: the suite's shared log file is truncated by each JVM that opens it.
        Process process = new ProcessBuilder(java, "-Dbulwark.testLogFile=" + dir.resolve("child.log"),
                "-cp", System.getProperty("java.class.path"), BulwarkCommand.class.getName(), "demo", "--port", "0", "--backend-port", "0",
                "--data", dir.resolve("data").toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new ArrayList<>();
        CompletableFuture<String> gateway = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = GATEWAY_LINE.matcher(line);
                    if (m.matches()) {
                        gateway.complete(m.group(1));
                    }
                }
            } catch (java.io.IOException closed) {
                // The process ended; what was read is enough.
            }
            gateway.complete(null);
        });
        try {
            String base = gateway.get(60, TimeUnit.SECONDS);
            assertThat(base).as("the demo printed its gateway url").isNotNull();
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            // SIGTERM, as a supervisor sends it; Process.destroy() would also close our end of the pipe.
            process.toHandle().destroy();

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
            reader.join(5000);
            assertThat(process.exitValue()).isZero();
            synchronized (output) {
                assertThat(output).contains("bulwark: stopped");
                assertThat(String.join("\n", output)).doesNotContain("Exception");
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
