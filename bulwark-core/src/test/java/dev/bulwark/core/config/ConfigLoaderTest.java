package dev.bulwark.core.config;

import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.requestid.RequestIdConfig;
import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("BACKEND_URL", "http://10.0.0.5:9000", "PORT", "9090",
            "EMPTY", "");

    private static BulwarkConfig yaml(String text) {
        return ConfigLoader.parse(text, "bulwark.yaml", ENV::get);
    }

    private static List<String> problems(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> yaml(text));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage().lines()).hasSize(e.problems().size());
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    private static final String FULL = """
            mode: production
            server:
              host: 127.0.0.1
              port: 8443
              http2: false
              adminPort: 9901
              trustedProxies: [10.0.0.0/8, "fd00::/8"]
              allowedHosts: [api.example.com, "*.example.com"]
              maxHeaderCount: 50
              maxHeaderBytes: 8KB
              shutdownTimeout: 10s
              fallbackUpstream: backend
              accessLog: false
            upstreams:
              backend:
                url: http://127.0.0.1:8081
                connectTimeout: 500ms
                responseTimeout: 1m
                maxConnections: 16
                http2: true
            defaults:
              requestId: {header: X-Correlation-Id, trustIncoming: false, maxLength: 64}
              bodyLimit: {json: 2MB}
            policies:
              public-api:
                cors:
                  allowedOrigins: [https://app.example.com]
                  allowCredentials: true
                  maxAge: 1h
            routes:
              - id: orders
                match: {path: "/api/orders/{id}", methods: [get, DELETE], hosts: [api.example.com]}
                upstream: backend
                policies: [public-api]
                bodyLimit: 512KB
              - id: health
                match: {path: /api/health}
                upstream: backend
                policy: public-api
            """;

    @Test
    void readsEveryKeyIntoTheSameRecordsTheBuildersProduce() {
        BulwarkConfig config = yaml(FULL);

        assertThat(config.mode()).isEqualTo(Mode.PRODUCTION);
        assertThat(config.server()).isEqualTo(ServerConfig.builder().host("127.0.0.1").port(8443).http2(false)
                .adminPort(9901).trustedProxies("10.0.0.0/8", "fd00::/8")
                .allowedHosts("api.example.com", "*.example.com").maxHeaderCount(50).maxHeaderBytes(8192)
                .shutdownTimeout(Duration.ofSeconds(10)).fallbackUpstream("backend").accessLog(false).build());
        assertThat(config.upstreams().get("backend")).isEqualTo(new UpstreamConfig("backend",
                URI.create("http://127.0.0.1:8081"), Duration.ofMillis(500), Duration.ofMinutes(1), 16, true, 0,
                UpstreamConfig.DEFAULT_QUEUE, BreakerConfig.DEFAULT, RetryConfig.DEFAULT));
        assertThat(config.defaults().requestId()).isEqualTo(new RequestIdConfig("X-Correlation-Id", false, 64));
        assertThat(config.defaults().bodyLimit()).isEqualTo(new BodyLimitConfig(2 * 1024 * 1024, 1024 * 1024, 1024 * 1024));
        assertThat(config.defaults().headers()).isEqualTo(SecurityHeadersConfig.DEFAULT);
        assertThat(config.policies().get("public-api").cors().maxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(config.policies().get("public-api").cors().allowCredentials()).isTrue();
        RouteConfig orders = config.routes().get(0);
        assertThat(orders.methods()).isEqualTo(Set.of("GET", "DELETE"));
        assertThat(orders.hosts()).isEqualTo(Set.of("api.example.com"));
        assertThat(orders.path()).isEqualTo("/api/orders/{id}");
        assertThat(orders.policies()).containsExactly("public-api");
        assertThat(orders.inline().bodyLimit()).isEqualTo(BodyLimitConfig.uniform(512 * 1024));
        assertThat(config.routes().get(1).policies()).containsExactly("public-api");
    }

    @Test
    void jsonIsReadTheSameWay() {
        BulwarkConfig config = ConfigLoader.parse("""
                {"upstreams": {"backend": {"url": "http://127.0.0.1:8081"}},
                 "routes": [{"id": "all", "match": {"path": "/**"}, "upstream": "backend", "bodyLimit": 1024}]}
                """, "bulwark.json", ENV::get);

        assertThat(config.routes().get(0).inline().bodyLimit()).isEqualTo(BodyLimitConfig.uniform(1024));
    }

    @Test
    void anEmptyFileIsTheDefaults() {
        BulwarkConfig config = yaml("");

        assertThat(config.server()).isEqualTo(ServerConfig.DEFAULT);
        assertThat(config.defaults()).isEqualTo(PolicyConfig.DEFAULTS);
        assertThat(config.mode()).isEqualTo(Mode.DEVELOPMENT);
    }

    @Test
    void environmentVariablesAndDefaultsAreInterpolated() {
        BulwarkConfig config = yaml("""
                server: {port: "${PORT}", host: "${HOST:-0.0.0.0}", fallbackUpstream: "${EMPTY:-backend}"}
                upstreams:
                  backend: {url: "${BACKEND_URL}"}
                defaults:
                  headers: {contentSecurityPolicy: "literal $${NOT_A_VAR}"}
                """);

        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(config.server().fallbackUpstream()).isEqualTo("backend");
        assertThat(config.upstreams().get("backend").url()).hasToString("http://10.0.0.5:9000");
        assertThat(config.defaults().headers().contentSecurityPolicy()).isEqualTo("literal ${NOT_A_VAR}");
    }

    @Test
    void anUnsetVariableWithoutDefaultNamesTheKeyPath() {
        assertThat(problems("""
                upstreams:
                  backend: {url: "${MISSING_URL}"}
                """)).containsExactly("upstreams.backend.url: environment variable MISSING_URL is not set"
                + " (write ${MISSING_URL:-default} to give a default)");
    }

    @Test
    void secretsAreReadFromFilesWithoutTheTrailingNewline(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("csp"), "default-src 'self'\n");

        BulwarkConfig config = yaml("defaults: {headers: {contentSecurityPolicy: \"${file:" + secret + "}\"}}");

        assertThat(config.defaults().headers().contentSecurityPolicy()).isEqualTo("default-src 'self'");
    }

    @Test
    void relativeSecretAndTlsFilesResolveAgainstTheConfigFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("port.txt"), "7070\r\n");
        Path file = Files.writeString(dir.resolve("bulwark.yaml"), """
                server:
                  port: ${file:port.txt}
                  tls: {certificate: certs/cert.pem, privateKey: certs/key.pem}
                """);

        BulwarkConfig config = ConfigLoader.load(file, ENV::get);

        assertThat(config.server().port()).isEqualTo(7070);
        assertThat(config.server().tls().certificate()).isEqualTo(dir.resolve("certs/cert.pem"));
    }

    @Test
    void anUnreadableSecretFileIsAProblemAndAFileSecretIsNeverEchoed(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "hunter2-not-a-number");

        assertThat(problems("""
                server: {port: "${file:%s}"}
                upstreams: {b: {url: "${file:%s/nope}"}}
                """.formatted(secret, dir))).containsExactly(
                "server.port: (value from a secret file) is not an integer",
                "upstreams.b.url: cannot read secret file \"" + dir + "/nope\" (NoSuchFileException)");
    }

    @Test
    void unknownKeysAreErrorsAtEveryDepth() {
        assertThat(problems("""
                serve: {}
                server: {prot: 1}
                upstreams:
                  backend: {url: "http://h", timeout: 1s}
                defaults:
                  headers: {hsts: {maxage: 1d}}
                routes:
                  - id: a
                    match: {path: /a, method: GET}
                    upstream: backend
                    cors: {allowedOrigin: [https://a.example.com]}
                """)).containsExactly(
                "serve: unknown key; did you mean \"server\"?",
                "server.prot: unknown key; did you mean \"port\"?",
                "upstreams.backend.timeout: unknown key (expected one of: url, connectTimeout, responseTimeout,"
                        + " maxConnections, http2, maxConcurrent, queue, circuitBreaker, retry)",
                "defaults.headers.hsts.maxage: unknown key; did you mean \"maxAge\"?",
                "routes[0].match.method: unknown key; did you mean \"methods\"?",
                "routes[0].cors.allowedOrigin: unknown key; did you mean \"allowedOrigins\"?");
    }

    @Test
    void typeErrorsNameThePathTheValueAndTheExpectation() {
        assertThat(problems("""
                mode: staging
                server: {port: eighty, http2: maybe, shutdownTimeout: 30 seconds, maxHeaderBytes: 5 megs}
                upstreams: {backend: [http://h]}
                defaults: {bodyLimit: {json: 1.5MB}}
                routes: {id: a}
                """)).containsExactly(
                "mode: \"staging\" is not a mode (expected development or production)",
                "server.port: \"eighty\" is not an integer",
                "server.http2: \"maybe\" is not a boolean (expected true or false)",
                "server.maxHeaderBytes: \"5 megs\" is not a size (expected bytes or e.g. 512KB, 5MB, 1GB; 1KB = 1024 bytes)",
                "server.shutdownTimeout: \"30 seconds\" is not a duration (expected e.g. 500ms, 30s, 2m, 1h, 1d;"
                        + " a plain number is seconds)",
                "upstreams.backend: a list is not a mapping (expected keys: url, connectTimeout, responseTimeout,"
                        + " maxConnections, http2, maxConcurrent, queue, circuitBreaker, retry)",
                "defaults.bodyLimit.json: \"1.5MB\" is not a size (expected bytes or e.g. 512KB, 5MB, 1GB; 1KB = 1024 bytes)",
                "routes: a mapping is not a list of routes");
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"1024, 1024", "512KB, 524288", "5MB, 5242880", "5mb, 5242880", "5 MiB, 5242880", "1GB, 1073741824",
            "2m, 2097152", "100B, 100"})
    void sizesAre1024Based(String size, long bytes) {
        assertThat(yaml("defaults: {bodyLimit: " + size + "}").defaults().bodyLimit())
                .isEqualTo(BodyLimitConfig.uniform(bytes));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, 500", "30s, 30000", "2m, 120000", "1h, 3600000", "1d, 86400000", "45, 45000", "PT2S, 2000"})
    void durationsTakeAUnit(String duration, long millis) {
        assertThat(yaml("server: {shutdownTimeout: " + duration + "}").server().shutdownTimeout())
                .isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aPartialHeadersBlockKeepsTheOtherDefaults() {
        SecurityHeadersConfig headers = yaml("""
                defaults:
                  headers:
                    contentSecurityPolicy: "default-src 'self'"
                    hsts: {preload: true}
                    frameOptions: null
                    referrerPolicy: false
                """).defaults().headers();

        assertThat(headers.contentSecurityPolicy()).isEqualTo("default-src 'self'");
        assertThat(headers.hsts()).isEqualTo(new SecurityHeadersConfig.Hsts(Duration.ofDays(365), true, true));
        assertThat(headers.frameOptions()).isNull();
        assertThat(headers.referrerPolicy()).isNull();
        assertThat(headers.noSniff()).isTrue();
        assertThat(headers.permissionsPolicy()).isEqualTo(SecurityHeadersConfig.DEFAULT.permissionsPolicy());
        assertThat(headers.removeResponseHeaders()).isEqualTo(SecurityHeadersConfig.DEFAULT.removeResponseHeaders());
    }

    @Test
    void hstsAndWholeHeaderBlocksCanBeSwitchedOff() {
        BulwarkConfig config = yaml("""
                policies:
                  no-hsts: {headers: {hsts: false}}
                  bare: {headers: false}
                """);

        assertThat(config.policies().get("no-hsts").headers().hsts()).isNull();
        SecurityHeadersConfig bare = config.policies().get("bare").headers();
        assertThat(bare.contentSecurityPolicy()).isNull();
        assertThat(bare.noSniff()).isFalse();
        assertThat(bare.removeResponseHeaders()).isEmpty();
    }

    @Test
    void bodyLimitAcceptsPerKindCapsInheritingTheRest() {
        assertThat(yaml("defaults: {bodyLimit: {text: 64KB}}").defaults().bodyLimit())
                .isEqualTo(new BodyLimitConfig(5 * 1024 * 1024, 64 * 1024, 1024 * 1024));
    }

    @Test
    void policyAndPoliciesTogetherAreAProblem() {
        assertThat(problems("""
                routes:
                  - {id: a, match: {path: /a}, upstream: b, policy: x, policies: [y]}
                """)).containsExactly("routes[0].policy: use either policy or policies, not both");
    }

    @Test
    void duplicateKeysAndSyntaxErrorsAreReportedWithTheirLine() {
        assertThat(problems("server: {port: 1}\nserver: {port: 2}\n")).singleElement().asString()
                .startsWith("syntax error at line 2").contains("Duplicate field 'server'");
        assertThat(problems("routes:\n  - id: a\n   bad: [\n")).singleElement().asString()
                .startsWith("syntax error at line");
    }

    @Test
    void aMissingFileIsOneProblem(@TempDir Path dir) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("absent.yaml")));

        assertThat(e.getMessage()).startsWith("cannot read config file ").endsWith("(NoSuchFileException)");
    }

    @Test
    void variablesCannotInjectStructure() {
        BulwarkConfig config = ConfigLoader.parse("server: {host: \"${EVIL}\"}", "x.yaml",
                Map.of("EVIL", "h\nport: 1")::get);

        assertThat(config.server().host()).isEqualTo("h\nport: 1");
        assertThat(config.server().port()).isEqualTo(8080);
    }

    @Test
    void theProblemFormatMatchesTheDocumentedOne() {
        assertThat(new ConfigProblem("routes[2].match.path", "\"api/**\" must start with /"))
                .hasToString("routes[2].match.path: \"api/**\" must start with /");
    }
}
