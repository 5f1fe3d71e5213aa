package dev.bulwark.core.identityheaders;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.api.Principal;
import dev.bulwark.core.auth.token.AccessTokenIssuer;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.RingKey;
import dev.bulwark.core.auth.token.SigningKeys;
import dev.bulwark.core.auth.token.JwsProviders;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the backend verification snippets of {@code docs/backends.md} (the files under {@code examples/backends/})
 * against real identity tokens and a real JWKS served on a loopback port: each must accept the gateway's token and
 * refuse a tampered one, one for another upstream, a client's own access token, an expired one and one signed by a
 * key that is not the gateway's.
 *
 * <p>Node runs with the {@code jose} package installed by {@code npm ci} from the committed lock file, Python with
 * PyJWT from the interpreter or a venv under the build directory, Java in-process by compiling the example with
 * the JDK's compiler. A missing runtime skips that test with the reason on standard error, and so does PyJWT that
 * neither the machine (Debian's python3-jwt) nor pip provides; {@code jose} that npm cannot install skips it too,
 * unless {@code BULWARK_IT_REQUIRED=1} (CI), where it fails, as the npm registry is always reachable there.
 * Nothing is faked.
 */
class BackendSnippetsTest {

    private static final String ISSUER = "https://auth.bulwark.test";
    private static final String AUDIENCE = "orders";
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private static Path examples;
    private static Path work;
    private static HttpServer jwksServer;
    private static String jwksUrl;
    private static Map<String, String> tokens;

    /** What a snippet run printed. */
    private record Run(int exitCode, String out, String err) {
        boolean accepted() {
            return exitCode == 0;
        }
    }

    @FunctionalInterface
    private interface Snippet {
        Run verify(String token) throws Exception;
    }

    @BeforeAll
    static void serveJwksAndSignTokens() throws Exception {
        Path build = Path.of(BackendSnippetsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent();
        examples = build.getParent().getParent().resolve("examples").resolve("backends");
        assertThat(examples.resolve("node").resolve("identity.mjs")).exists();
        work = Files.createDirectories(build.resolve("backend-snippets"));

        // The snippets check expiry against the real time, so these tokens are signed on the system clock.
        Clock now = Clock.systemUTC();
        KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, now.instant());
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwksServer.createContext("/.well-known/jwks.json", exchange -> {
            byte[] body = ring.jwks(Instant.now()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();
        jwksUrl = "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/.well-known/jwks.json";

        IdentityTokenSigner signer = new IdentityTokenSigner(ring, ISSUER, now);
        Principal alice = new Principal("alice", "s-1", ISSUER, List.of("editor", "viewer"), List.of(), "acme",
                now.instant().plusSeconds(900), Principal.Method.BEARER);
        String valid = signer.sign(alice, "acme", AUDIENCE, Duration.ofSeconds(60), "req-1");
        tokens = new LinkedHashMap<>();
        tokens.put("a tampered token", tamper(valid));
        tokens.put("a token for another upstream", signer.sign(alice, "acme", "billing", Duration.ofSeconds(60), null));
        tokens.put("the client's own access token", new AccessTokenIssuer(ring, TokenConfig.of(ISSUER, AUDIENCE), now)
                .issue("alice", "s-1", List.of("admin"), "acme").token());
        tokens.put("an expired token", new IdentityTokenSigner(ring, ISSUER,
                Clock.offset(now, Duration.ofMinutes(-10))).sign(alice, "acme", AUDIENCE, Duration.ofSeconds(60), null));
        tokens.put("a token signed by another key under the gateway's kid", forgedWithKidOf(ring.active(), valid));
        tokens.put("not a token", "not-a-jwt");
        tokens.put("valid", valid);
    }

    @AfterAll
    static void stopJwks() {
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
    }

    @Test
    void theNodeSnippetAcceptsTheGatewaysTokenAndRefusesForgeries() throws Exception {
        String node = runtime("node", "--version");
        Path dir = Files.createDirectories(work.resolve("node"));
        for (String file : List.of("package.json", "package-lock.json", "identity.mjs", "check.mjs")) {
            Files.copy(examples.resolve("node").resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(dir.resolve("node_modules/jose/package.json"))) {
            String npm = runtime("npm", "--version");
            Run install = run(dir, INSTALL_TIMEOUT, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error");
            requirePackage(install.accepted(), "npm ci (jose) failed in " + dir + ": " + tail(install.err()));
        }

        checkSnippet(token -> run(dir, PROCESS_TIMEOUT, node, "check.mjs", token));
    }

    @Test
    void thePythonSnippetAcceptsTheGatewaysTokenAndRefusesForgeries() throws Exception {
        String python = pythonWithPyJwt();
        Path script = examples.resolve("python").resolve("bulwark_identity.py");

        checkSnippet(token -> run(work, PROCESS_TIMEOUT, python, script.toString(), token));
    }

    @Test
    void theJavaSnippetAcceptsTheGatewaysTokenAndRefusesForgeries() throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            skip("this JVM has no Java compiler to build examples/backends/java");
        }
        Path classes = Files.createDirectories(work.resolve("java-classes"));
        String classpath = Path.of(JWSObject.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, null, diagnostics, "--release", "17", "-Xlint:all", "-Werror",
                "-classpath", classpath, "-d", classes.toString(),
                examples.resolve("java").resolve("BulwarkIdentity.java").toString());
        assertThat(status).as("javac: %s", diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                BackendSnippetsTest.class.getClassLoader())) {
            Class<?> type = loader.loadClass("com.example.identity.BulwarkIdentity");
            Constructor<?> create = type.getConstructor(URL.class, String.class, String.class);
            Object identity = create.newInstance(URI.create(jwksUrl).toURL(), ISSUER, AUDIENCE);
            Method verify = type.getMethod("verify", String.class);
            checkSnippet(token -> {
                try {
                    JWTClaimsSet claims = (JWTClaimsSet) verify.invoke(identity, token);
                    return new Run(0, claims.toString(), "");
                } catch (InvocationTargetException refused) {
                    return new Run(1, "", refused.getCause().toString());
                }
            });
        }
    }

    @Test
    void theBackendsPageShowsEachSnippetExactlyAsTested() throws IOException {
        String page = Files.readString(examples.getParent().getParent().resolve("docs").resolve("backends.md"));

        for (String file : List.of("node/identity.mjs", "python/bulwark_identity.py", "java/BulwarkIdentity.java",
                "java/IdentitySecurityConfig.java")) {
            String code = Files.readString(examples.resolve(file)).stripTrailing();
            assertThat(page).as("docs/backends.md shows examples/backends/%s verbatim", file)
                    .contains("\n" + code + "\n```");
        }
    }

    /** Asserts the snippet's verdict on every token: only the valid one passes, with the identity in it. */
    private static void checkSnippet(Snippet snippet) throws Exception {
        Run accepted = snippet.verify(tokens.get("valid"));
        assertThat(accepted.accepted()).as("the valid token was refused: %s", accepted.err()).isTrue();
        assertThat(accepted.out()).contains("\"alice\"", "\"editor\"", "\"viewer\"", "\"acme\"", "\"s-1\"");
        for (Map.Entry<String, String> forged : tokens.entrySet()) {
            if (forged.getKey().equals("valid")) {
                continue;
            }
            Run refused = snippet.verify(forged.getValue());
            assertThat(refused.accepted()).as("%s was accepted: %s", forged.getKey(), refused.out()).isFalse();
            assertThat(refused.out()).as(forged.getKey()).doesNotContain("alice");
            assertThat(refused.err()).as(forged.getKey()).isNotBlank();
        }
    }

    /** The same header and signature over claims that say {@code admin}. */
    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String claims = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"admin\"");
        return parts[0] + "." + Base64URL.encode(claims) + "." + parts[2];
    }

    /** The valid token's header and claims, signed by a fresh key: only the signature check can catch it. */
    private static String forgedWithKidOf(RingKey gateway, String token) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(new String(Base64URL.from(parts[0]).decode(), StandardCharsets.UTF_8)).contains(gateway.kid());
        String input = parts[0] + "." + parts[1];
        Base64URL signature = JwsProviders.signer(SigningKeys.generate(TokenAlgorithm.EDDSA), TokenAlgorithm.EDDSA)
                .sign(JWSObject.parse(token).getHeader(), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + signature;
    }

    /**
     * @return an interpreter that imports PyJWT 2.6+ with cryptography: {@code BULWARK_TEST_PYTHON} when set, the
     *     machine's {@code python3}, Debian's (package python3-jwt), or a venv under the build directory
     */
    private static String pythonWithPyJwt() throws Exception {
        List<String> candidates = new ArrayList<>();
        String chosen = System.getenv("BULWARK_TEST_PYTHON");
        if (chosen != null && !chosen.isBlank()) {
            candidates.add(chosen);
        }
        candidates.addAll(List.of("python3", "/usr/bin/python3"));
        Path venvPython = work.resolve("python-venv").resolve("bin").resolve("python");
        candidates.add(venvPython.toString());
        String base = null;
        for (String candidate : candidates) {
            Run probe = tryRun(work, candidate, "-c", "import sys, jwt, cryptography; sys.exit(0 if tuple(int(p)"
                    + " for p in jwt.__version__.split('.')[:2]) >= (2, 6) else 3)");
            if (probe != null && probe.accepted()) {
                return candidate;
            }
            if (probe != null && base == null && !candidate.equals(venvPython.toString())) {
                base = candidate;
            }
        }
        if (base == null) {
            skip("python3 is not installed");
        }
        Path venv = work.resolve("python-venv");
        if (!Files.exists(venvPython)) {
            Run created = run(work, INSTALL_TIMEOUT, base, "-m", "venv", "--system-site-packages", venv.toString());
            if (!created.accepted()) {
                skip("cannot create a python venv (" + tail(created.err()) + "); install Debian's python3-jwt");
            }
        }
        Run install = run(work, INSTALL_TIMEOUT, venvPython.toString(), "-m", "pip", "install", "--quiet",
                "--disable-pip-version-check", "--no-input", "--retries", "0", "-r",
                examples.resolve("python").resolve("requirements.txt").toString());
        if (!install.accepted()) {
            // PyPI is not a registry every machine reaches; Debian's python3-jwt is the dependable source.
            skip("pip could not install PyJWT (" + tail(install.err()) + "); install Debian's python3-jwt");
        }
        return venvPython.toString();
    }

    /** @return {@code command} when it runs, else skips the test: the runtime is not on this machine */
    private static String runtime(String command, String versionFlag) throws Exception {
        Run probe = tryRun(work, command, versionFlag);
        if (probe == null || !probe.accepted()) {
            skip(command + " is not installed");
        }
        return command;
    }

    private static void requirePackage(boolean ok, String reason) {
        if (ok) {
            return;
        }
        if ("1".equals(System.getenv("BULWARK_IT_REQUIRED"))) {
            throw new AssertionError(reason + ": BULWARK_IT_REQUIRED=1 requires it");
        }
        skip(reason);
    }

    private static void skip(String reason) {
        // Surefire hides skip reasons on the console; one line says why this snippet was not run.
        System.err.println("[bulwark] BackendSnippetsTest: " + reason + ": skipped");
        Assumptions.abort(reason);
    }

    /** @return the run, or {@code null} when the program does not exist */
    private static Run tryRun(Path dir, String... command) throws Exception {
        try {
            return run(dir, PROCESS_TIMEOUT, command);
        } catch (IOException notFound) {
            return null;
        }
    }

    private static Run run(Path dir, Duration timeout, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("BULWARK_JWKS_URL", jwksUrl);
        builder.environment().put("BULWARK_ISSUER", ISSUER);
        builder.environment().put("BULWARK_AUDIENCE", AUDIENCE);
        builder.environment().put("NO_PROXY", "127.0.0.1,localhost");
        builder.environment().put("no_proxy", "127.0.0.1,localhost");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command).substring(0, Math.min(120,
                    String.join(" ", command).length())) + " did not finish within " + timeout);
        }
        return new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() > 400 ? "..." + trimmed.substring(trimmed.length() - 400) : trimmed;
    }
}
