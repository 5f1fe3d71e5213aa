package dev.bulwark.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code users} and {@code keys} command tests share: a configuration with h2 storage and cheap
 * password hashing in a temporary directory, the command line run in-process on a fake clock, a gateway on the
 * same configuration and clock in front of a trivial upstream, and JSON calls to its auth endpoints.
 */
final class AdminCli implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final FakeClock clock = new FakeClock();
    final Path dir;
    final Path config;
    private final HttpServer upstream;
    private Gateway gateway;

    AdminCli(Path dir) throws IOException {
        this.dir = dir;
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        config = write("bulwark.yaml", """
                mode: development
                server: { host: 127.0.0.1, port: 0, shutdownTimeout: 1s }
                upstreams:
                  backend: { url: "http://127.0.0.1:%d" }
                storage: { kind: h2, path: "%s" }
                auth:
                  password:
                    hashing: { memory: 1MiB, iterations: 1 }
                routes:
                  - id: api
                    match: { path: "/api/**" }
                    upstream: backend
                    auth: required
                """.formatted(upstream.getAddress().getPort(), dir.resolve("data").toString().replace("\\", "/")));
    }

    Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** The outcome of one command line. */
    record Result(int code, String out, String err) {
    }

    /** Runs {@code bulwark ARGS} with {@code stdin} as standard input and no terminal. */
    Result run(String stdin, String... args) {
        return run(new CommandEnvironment(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                Optional.empty(), clock, false), args);
    }

    /** Runs {@code bulwark ARGS} with a terminal that answers password prompts with {@code prompt}. */
    Result runWithTerminal(PasswordPrompt prompt, String... args) {
        return run(new CommandEnvironment(new ByteArrayInputStream(new byte[0]), Optional.of(prompt), clock, false),
                args);
    }

    private static Result run(CommandEnvironment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BulwarkCommand.execute(environment, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString().replace(System.lineSeparator(), "\n"),
                err.toString().replace(System.lineSeparator(), "\n"));
    }

    /** Runs {@code bulwark users add EMAIL --password-stdin ...} and returns the printed id. */
    String addUser(String email, String password, String... options) {
        List<String> args = new ArrayList<>(List.of("users", "add", email, "--password-stdin", "-c",
                config.toString()));
        args.addAll(List.of(options));
        Result result = run(password + "\n", args.toArray(String[]::new));
        if (result.code() != 0) {
            throw new AssertionError("users add failed: " + result);
        }
        return result.out().strip();
    }

    /** Starts a gateway on the configuration and the shared fake clock. */
    Gateway startGateway() {
        return startGateway(GatewayOptions.defaults().withClock(clock).withEventLoops(1));
    }

    /** Starts a gateway on the configuration; {@link #close()} stops it. */
    Gateway startGateway(GatewayOptions options) {
        gateway = Gateway.start(ConfigLoader.load(config), options);
        return gateway;
    }

    AuthServices auth() {
        return gateway.auth().orElseThrow();
    }

    HttpResponse<String> login(String email, String password) throws IOException, InterruptedException {
        return post("/auth/login", Map.of("email", email, "password", password));
    }

    HttpResponse<String> post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("User-Agent", "Mozilla/5.0 Firefox/130.0")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String accessToken) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} with the given header names and values, alternating. */
    HttpResponse<String> getWith(String path, String... headers) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).headers(headers).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return gateway.baseUri().resolve(path);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** @return a field of a JWT's header, e.g. {@code kid} */
    static String jwtHeader(String token, String field) throws IOException {
        String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        return JSON.readTree(header).get(field).asText();
    }

    /** @return a claim of a JWT's payload */
    static JsonNode jwtClaim(String token, String claim) throws IOException {
        String payload = token.split("\\.")[1];
        return JSON.readTree(Base64.getUrlDecoder().decode(payload)).get(claim);
    }

    @Override
    public void close() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop(0);
    }
}
