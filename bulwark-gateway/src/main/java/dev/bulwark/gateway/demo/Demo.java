package dev.bulwark.gateway.demo;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.gateway.Gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The showcase: the bundled merchant backend ({@link DemoBackend}) behind a gateway configured by the
 * readable classpath file {@value #CONFIG_RESOURCE}, plus the curl tour that shows what the gateway does.
 *
 * <p>The configuration reads the ports from {@code BULWARK_DEMO_PORT} and {@code BULWARK_DEMO_BACKEND_PORT}
 * (supplied here, not taken from the environment), so the same file serves {@code bulwark demo} and anyone
 * who copies it as a starting point. Later features (login, roles, webhooks) extend that file and the
 * {@link #tour()}. {@link #close()} stops the gateway gracefully, then the backend.
 */
public final class Demo implements AutoCloseable {

    /** Where the demo configuration lives on the classpath. */
    public static final String CONFIG_RESOURCE = "demo/bulwark-demo.yaml";

    private final Gateway gateway;
    private final DemoBackend backend;
    private final Path dataDir;

    private Demo(Gateway gateway, DemoBackend backend, Path dataDir) {
        this.gateway = gateway;
        this.backend = backend;
        this.dataDir = dataDir;
    }

    /**
     * Starts the backend, then the gateway in front of it.
     *
     * @param port        the gateway port; 0 picks a free one
     * @param backendPort the backend port on 127.0.0.1; 0 picks a free one
     * @param dataDir     created if missing; reserved for the embedded stores later features add
     * @return the running demo
     * @throws UncheckedIOException         when the data directory cannot be created
     * @throws IllegalStateException        when a port cannot be bound
     * @throws dev.bulwark.core.config.ConfigException when the bundled configuration is invalid (a bug)
     */
    public static Demo start(int port, int backendPort, Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        DemoBackend backend = DemoBackend.start(backendPort);
        try {
            Gateway gateway = Gateway.start(config(port, backend.port()));
            return new Demo(gateway, backend, dataDir.toAbsolutePath().normalize());
        } catch (RuntimeException failure) {
            backend.close();
            throw failure;
        }
    }

    /** @return the demo configuration exactly as shipped, with its {@code ${...}} placeholders */
    public static String configText() {
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("demo configuration missing from the classpath: " + CONFIG_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CONFIG_RESOURCE, e);
        }
    }

    /**
     * Loads the demo configuration for the given ports.
     *
     * @throws dev.bulwark.core.config.ConfigException when the bundled file is invalid
     */
    public static BulwarkConfig config(int port, int backendPort) {
        Map<String, String> ports = Map.of(
                "BULWARK_DEMO_PORT", Integer.toString(port),
                "BULWARK_DEMO_BACKEND_PORT", Integer.toString(backendPort));
        Function<String, String> env = name -> ports.containsKey(name) ? ports.get(name) : System.getenv(name);
        return ConfigLoader.parse(configText(), "classpath:" + CONFIG_RESOURCE, env);
    }

    /** @return the running gateway */
    public Gateway gateway() {
        return gateway;
    }

    /** @return the running backend */
    public DemoBackend backend() {
        return backend;
    }

    /** @return the absolute data directory */
    public Path dataDir() {
        return dataDir;
    }

    /** @return the gateway's address as a user would type it ({@code http://localhost:PORT}) */
    public URI gatewayUri() {
        return URI.create("http://localhost:" + gateway.port());
    }

    /** @return the steps of the curl tour for this demo's ports, in the order the README walks them */
    public List<TourStep> tour() {
        String base = gatewayUri().toString();
        return List.of(
                new TourStep("A public health route, proxied; note X-Request-Id and the security headers,"
                        + " and that Server/X-Powered-By from the backend are gone",
                        "curl -si " + base + "/api/health"),
                new TourStep("What the backend received: your request id kept, X-Forwarded-* added",
                        "curl -s -H 'X-Request-Id: tour-1' '" + base + "/api/orders/42?expand=items'"),
                new TourStep("Path traversal is refused before routing, with a problem+json body",
                        "curl -si --path-as-is '" + base + "/api/../../etc/passwd'"),
                new TourStep("A CORS preflight from an allowed origin is answered at the edge",
                        "curl -si -X OPTIONS " + base + "/api/products -H 'Origin: http://localhost:3000'"
                                + " -H 'Access-Control-Request-Method: POST'"),
                new TourStep("...and one from an unknown origin is refused (403, no CORS headers)",
                        "curl -si -X OPTIONS " + base + "/api/products -H 'Origin: https://evil.test'"
                                + " -H 'Access-Control-Request-Method: POST'"),
                new TourStep("A webhook body over the 2 MB limit gets 413 before the backend sees it",
                        "head -c 3000000 /dev/zero | curl -si -X POST -H 'Content-Type: application/json'"
                                + " --data-binary @- " + base + "/api/webhooks/orders"),
                new TourStep("No route, no proxying: 404 problem",
                        "curl -si " + base + "/internal/debug"),
                new TourStep("Prometheus metrics, including the refusals above",
                        "curl -s " + base + "/_bulwark/metrics | grep -E '^(http_requests_total|security_events_total)'"));
    }

    /** @return what {@code bulwark demo} prints once everything is up */
    public String banner() {
        String base = gatewayUri().toString();
        StringBuilder text = new StringBuilder()
                .append("Bulwark demo is running.\n\n")
                .append("  gateway   ").append(base).append('\n')
                .append("  backend   ").append(backend.baseUri())
                .append("  (the demo merchant API; reach it through the gateway)\n")
                .append("  health    ").append(base).append("/_bulwark/health/live, ")
                .append(base).append("/_bulwark/health/ready\n")
                .append("  metrics   ").append(base).append("/_bulwark/metrics\n")
                .append("  data      ").append(dataDir)
                .append("  (created; nothing is stored there yet: sessions and audit logs arrive with later features)\n")
                .append("  config    classpath:").append(CONFIG_RESOURCE)
                .append("  (print it with 'bulwark demo --print-config')\n\n")
                .append("Take the tour: paste these into another terminal.\n");
        for (TourStep step : tour()) {
            text.append("\n  # ").append(step.what()).append("\n  ").append(step.command()).append('\n');
        }
        return text.append("\nPress Ctrl-C to stop.").toString();
    }

    /** Stops the gateway gracefully, then the backend. */
    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            backend.close();
        }
    }

    /**
     * One step of the tour.
     *
     * @param what    what the step shows, in one line
     * @param command a command to paste into a shell
     */
    public record TourStep(String what, String command) {
    }
}
