package dev.bulwark.core.routing;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.requestid.RequestIdConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RouteCompilerTest {

    private static BulwarkConfig.Builder valid() {
        return BulwarkConfig.builder().upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:8081"));
    }

    private static List<String> problems(BulwarkConfig config) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteCompiler.compile(config));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage().lines()).hasSize(e.problems().size());
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    private static List<String> routeProblems(UnaryOperator<RouteConfig.Builder> route) {
        return problems(valid().route(route.apply(RouteConfig.builder("r").path("/x").upstream("backend"))).build());
    }

    @Test
    void aValidConfigurationCompiles() {
        assertThat(RouteCompiler.compile(valid().route(RouteConfig.builder("r").path("/x").upstream("backend")).build())
                .routes()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "api/**            | routes[0].match.path: \"api/**\" must start with /",
            "/api/**/x         | routes[0].match.path: \"/api/**/x\" may use ** only as the last segment",
            "/a/{1d}           | routes[0].match.path: \"/a/{1d}\" has an invalid parameter name \"1d\" (expected letters, digits and _, not starting with a digit)",
            "/a/{id}/b/{id}    | routes[0].match.path: \"/a/{id}/b/{id}\" repeats parameter \"id\"",
            "/a/{id}.json      | routes[0].match.path: \"/a/{id}.json\" has segment \"{id}.json\"; a segment must be a literal, {name}, * or **",
            "/a//b             | routes[0].match.path: \"/a//b\" has an empty segment (//)",
            "/a/../b           | routes[0].match.path: \"/a/../b\" must not contain . or .. segments (paths are normalized before matching)",
            "/a%2Fb            | routes[0].match.path: \"/a%2Fb\" must not contain control characters, %, \\, ;, ? or # (patterns match the decoded path)",
    })
    void badPathPatternsAreNamedWithTheirKeyPath(String pattern, String expected) {
        assertThat(routeProblems(r -> r.path(pattern))).containsExactly(expected);
    }

    @Test
    void aMissingPathIsReported() {
        assertThat(routeProblems(r -> r.path(null))).containsExactly(
                "routes[0].match.path: is required (expected e.g. /api/orders/{id} or /api/products/**)");
    }

    @Test
    void routeIdsMustBePresentValidAndUnique() {
        assertThat(problems(valid()
                .route(RouteConfig.builder("a").path("/a").upstream("backend"))
                .route(RouteConfig.builder("a").path("/b").upstream("backend"))
                .route(RouteConfig.builder("").path("/c").upstream("backend"))
                .route(RouteConfig.builder("bad id").path("/d").upstream("backend"))
                .build())).containsExactly(
                "routes[1].id: \"a\" is already used by routes[0]",
                "routes[2].id: is required (expected a unique name such as products)",
                "routes[3].id: \"bad id\" is not a valid route id (expected letters, digits, '.', '_' or '-')");
    }

    @Test
    void methodsMustBeTokens() {
        assertThat(routeProblems(r -> r.methods("GE T"))).containsExactly(
                "routes[0].match.methods: \"GE T\" is not a valid method");
    }

    @Test
    void hostPatternsMustBeHostNamesOrSubdomainWildcards() {
        assertThat(routeProblems(r -> r.hosts("*.*.example.com"))).containsExactly(
                "routes[0].match.hosts: \"*.*.example.com\" is not a host pattern"
                        + " (expected a host name such as api.example.com, or *.example.com)");
    }

    @Test
    void upstreamAndPoliciesMustExist() {
        assertThat(routeProblems(r -> r.upstream("backnd").policies("missing"))).containsExactly(
                "routes[0].upstream: \"backnd\" is not a defined upstream (defined: backend)",
                "routes[0].policies[0]: \"missing\" is not a defined policy (defined: none)");
        assertThat(routeProblems(r -> r.upstream(null))).containsExactly(
                "routes[0].upstream: is required (expected the name of an upstream)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ftp://host/x          | upstreams.b.url: \"ftp://host/x\" must use http or https",
            "localhost:8081        | upstreams.b.url: \"localhost:8081\" must use http or https",
            "http:///x             | upstreams.b.url: \"http:///x\" has no host (expected e.g. http://127.0.0.1:8081)",
            "http://u:p@host       | upstreams.b.url: must not contain credentials (they would end up in logs)",
            "http://host/?a=1      | upstreams.b.url: \"http://host/?a=1\" must not have a query or fragment",
    })
    void upstreamUrlsMustBeHttpWithAHost(String url, String expected) {
        assertThat(problems(valid().upstream("b", UpstreamConfig.builder().url(url)).build())).containsExactly(expected);
    }

    @Test
    void upstreamTimeoutsAndPoolsMustBePositive() {
        assertThat(problems(valid().upstream("b", UpstreamConfig.builder().url("http://h")
                .connectTimeout(Duration.ZERO).responseTimeout(Duration.ofMillis(-5)).maxConnections(0)).build()))
                .containsExactly(
                        "upstreams.b.connectTimeout: 0s must be positive",
                        "upstreams.b.responseTimeout: -5ms must be positive",
                        "upstreams.b.maxConnections: 0 must be positive");
    }

    @Test
    void serverSettingsAreChecked() {
        assertThat(problems(valid().server(ServerConfig.builder()
                .port(70000).adminPort(-1).trustedProxies("10.0.0.0/8", "10.0.0.0/33", "300.1.1.1", "fd00::/8",
                        "fd00::/129", "example.com", "::1")
                .allowedHosts("api.example.com", "bad host")
                .maxHeaderCount(0).maxHeaderBytes(-1).shutdownTimeout(Duration.ofSeconds(-1))
                .fallbackUpstream("nope")).build()))
                .containsExactly(
                        "server.port: 70000 is not a port (expected 0..65535)",
                        "server.adminPort: -1 is not a port (expected 0..65535)",
                        "server.trustedProxies[1]: \"10.0.0.0/33\" has an invalid prefix length (expected 0..32)",
                        "server.trustedProxies[2]: \"300.1.1.1\" is not a CIDR (expected e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8)",
                        "server.trustedProxies[4]: \"fd00::/129\" has an invalid prefix length (expected 0..128)",
                        "server.trustedProxies[5]: \"example.com\" is not a CIDR (expected e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8)",
                        "server.allowedHosts[1]: \"bad host\" is not a host pattern (expected a host name such as api.example.com, or *.example.com)",
                        "server.maxHeaderCount: 0 must be positive",
                        "server.maxHeaderBytes: -1 must be positive",
                        "server.shutdownTimeout: -1s must not be negative",
                        "server.fallbackUpstream: \"nope\" is not a defined upstream (defined: backend)");
    }

    @Test
    void theAdminPortMustDifferFromTheMainPort() {
        assertThat(problems(valid().server(ServerConfig.builder().port(8080).adminPort(8080)).build()))
                .containsExactly("server.adminPort: 8080 is the same as server.port");
    }

    @Test
    void tlsFilesMustExistAndBeReadable(@TempDir Path dir) throws Exception {
        Path certificate = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----");
        Path missing = dir.resolve("key.pem");

        assertThat(problems(valid().server(ServerConfig.builder().tls(certificate, missing)).build()))
                .containsExactly("server.tls.privateKey: \"" + missing + "\" does not exist or is not a readable file");
    }

    @Test
    void corsWildcardWithCredentialsIsAConfigError() {
        assertThat(problems(valid().defaults(PolicyConfig.builder()
                .cors(CorsConfig.builder().allowedOrigins("*").allowCredentials(true))).build()))
                .containsExactly("defaults.cors.allowedOrigins[0]: \"*\" cannot be combined with allowCredentials: true"
                        + " (list the origins instead)");
    }

    @Test
    void corsWildcardIsRefusedInProductionButAllowedInDevelopment() {
        PolicyConfig open = PolicyConfig.builder().cors(CorsConfig.builder().allowedOrigins("*")).build();

        assertThat(RouteCompiler.compile(valid().policy("open", open).build())).isNotNull();
        assertThat(problems(valid().mode(Mode.PRODUCTION).policy("open", open).build())).containsExactly(
                "policies.open.cors.allowedOrigins[0]: \"*\" is not allowed in production mode (list the origins instead)");
    }

    @Test
    void corsOriginsRegexesAndHeaderNamesAreChecked() {
        assertThat(routeProblems(r -> r.inline(PolicyConfig.builder().cors(CorsConfig.builder()
                .allowedOrigins("https://app.example.com", "https://*.example.com", "https://app.example.com/",
                        "app.example.com")
                .allowedOriginRegexes("https://[a-z]+\\.example\\.com", "https://(unclosed")
                .allowedMethods("GET", "B@D")
                .allowedHeaders("*", "X-Ok", "Bad Header")
                .exposedHeaders("X-Request-Id")
                .maxAge(Duration.ofSeconds(-1))))))
                .containsExactly(
                        "routes[0].cors.allowedOrigins[2]: \"https://app.example.com/\" is not an origin (expected"
                                + " scheme://host[:port] with no path, e.g. https://app.example.com or https://*.example.com)",
                        "routes[0].cors.allowedOrigins[3]: \"app.example.com\" is not an origin (expected"
                                + " scheme://host[:port] with no path, e.g. https://app.example.com or https://*.example.com)",
                        "routes[0].cors.allowedOriginRegexes[1]: \"https://(unclosed\" is not a valid regular expression"
                                + " (unclosed group)",
                        "routes[0].cors.allowedMethods[1]: \"B@D\" is not a valid method",
                        "routes[0].cors.allowedHeaders[2]: \"Bad Header\" is not a valid header name",
                        "routes[0].cors.maxAge: -1s must not be negative");
    }

    @Test
    void headerValuesCannotInjectLineBreaks() {
        assertThat(problems(valid().defaults(PolicyConfig.builder().headers(SecurityHeadersConfig.builder()
                .contentSecurityPolicy("default-src 'self'\r\nSet-Cookie: x=1")
                .removeResponseHeaders("X-Powered-By", "bad:name"))).build()))
                .containsExactly(
                        "defaults.headers.contentSecurityPolicy: \"default-src 'self'\\u000d\\u000aSet-Cookie: x=1\" contains a"
                                + " line break or control character",
                        "defaults.headers.removeResponseHeaders[1]: \"bad:name\" is not a valid header name");
    }

    @Test
    void sizesAndRequestIdSettingsMustBePositive() {
        assertThat(problems(valid().policy("p", PolicyConfig.builder()
                .requestId(RequestIdConfig.builder().header("X Id").maxLength(0))
                .bodyLimit(0)).build()))
                .containsExactly(
                        "policies.p.requestId.header: \"X Id\" is not a valid header name",
                        "policies.p.requestId.maxLength: 0 must be positive",
                        "policies.p.bodyLimit.json: 0 must be positive",
                        "policies.p.bodyLimit.text: 0 must be positive",
                        "policies.p.bodyLimit.other: 0 must be positive");
    }

    @Test
    void everyProblemIsReportedTogetherOneLinePerProblem() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteCompiler.compile(valid()
                .route(RouteConfig.builder("a").path("api").upstream("nope"))
                .route(RouteConfig.builder("b").path("/b/**/c").upstream("backend"))
                .build()));

        assertThat(e.getMessage().lines()).containsExactly(
                "routes[0].match.path: \"api\" must start with /",
                "routes[0].upstream: \"nope\" is not a defined upstream (defined: backend)",
                "routes[1].match.path: \"/b/**/c\" may use ** only as the last segment");
    }
}
