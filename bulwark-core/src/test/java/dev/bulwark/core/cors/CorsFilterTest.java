package dev.bulwark.core.cors;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorsFilterTest {

    private final CorsFilter filter = new CorsFilter(config(
            List.of("https://app.example.com", "https://*.shop.example.com", "http://localhost:3000"),
            List.of("https://preview-[a-z0-9]+\\.pages\\.example\\.net"), true));
    private final Upstream upstream = Upstream.ok();

    @ParameterizedTest
    @ValueSource(strings = {
        "https://app.example.com",
        "https://acme.shop.example.com",
        "https://eu.acme.shop.example.com",
        "http://localhost:3000",
        "https://preview-42ab.pages.example.net"
    })
    void allowedOriginGetsItsOriginEchoedWithCredentials(String origin) {
        Response response = Chains.run(actual(origin), upstream, filter);

        Headers headers = response.headers();
        assertThat(headers.get("Access-Control-Allow-Origin")).isEqualTo(origin);
        assertThat(headers.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(headers.get("Access-Control-Expose-Headers")).isEqualTo("X-Request-Id, RateLimit-Remaining");
        assertThat(headers.getAll("Vary")).containsExactly("Origin");
        assertThat(upstream.reached()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://evil.com",
        "https://shop.example.com",
        "https://evil-shop.example.com",
        "https://shop.example.com.evil.com",
        "https://x.shop.example.com.evil.com",
        "http://acme.shop.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://acme.shop.example.com:443",
        "http://localhost:3001",
        "http://localhost",
        "https://app.example.com/",
        "https://app.example.com.",
        "https://evil.com@app.example.com",
        "https://app.example.com https://evil.com",
        "https://.shop.example.com",
        "https://a..shop.example.com",
        "https://preview-42ab.pages.example.net.evil.com",
        "https://evil.com/https://preview-1.pages.example.net",
        "null",
        ""
    })
    void disallowedOriginGetsNoCorsHeadersButStillVaries(String origin) {
        Response response = Chains.run(actual(origin), upstream, filter);

        Headers headers = response.headers();
        assertThat(headers.names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        assertThat(headers.getAll("Vary")).containsExactly("Origin");
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void originIsComparedCaseInsensitivelyButEchoedAsSent() {
        Response response = Chains.run(actual("https://ACME.Shop.Example.com"), upstream, filter);

        assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://ACME.Shop.Example.com");
    }

    @Test
    void nullOriginIsAllowedOnlyWhenListedLiterally() {
        CorsFilter anyOrigin = new CorsFilter(config(List.of("*"), List.of(".*"), false));
        CorsFilter listsNull = new CorsFilter(config(List.of("null"), List.of(), false));

        assertThat(Chains.run(actual("null"), upstream, anyOrigin).headers().contains("Access-Control-Allow-Origin"))
                .isFalse();
        assertThat(Chains.run(actual("null"), upstream, listsNull).headers().get("Access-Control-Allow-Origin"))
                .isEqualTo("null");
    }

    @Test
    void repeatedOriginHeaderIsNeverAllowed() {
        TestExchange exchange = ExchangeBuilder.get("/api")
                .header("Origin", "https://app.example.com").header("Origin", "https://evil.com").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(response.headers().contains("Access-Control-Allow-Origin")).isFalse();
    }

    @Test
    void anyOriginWithoutCredentialsAnswersWithAStar() {
        CorsFilter anyOrigin = new CorsFilter(config(List.of("*"), List.of(), false));

        Response response = Chains.run(actual("https://whoever.example.org"), upstream, anyOrigin);

        assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
    }

    @Test
    void upstreamCorsHeadersAreReplacedByTheGatewaysOwn() {
        Upstream permissive = Upstream.respond(200, "Access-Control-Allow-Origin", "*",
                "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "*",
                "Access-Control-Expose-Headers", "X-Secret", "Vary", "Accept-Encoding");

        Response denied = Chains.run(actual("https://evil.com"), permissive, filter);
        Response noOrigin = Chains.run(ExchangeBuilder.get("/api").build(), permissive, filter);
        Response allowed = Chains.run(actual("https://app.example.com"), permissive, filter);

        assertThat(denied.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        assertThat(noOrigin.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        assertThat(allowed.headers().getAll("Access-Control-Allow-Origin")).containsExactly("https://app.example.com");
        assertThat(allowed.headers().getAll("Access-Control-Expose-Headers"))
                .containsExactly("X-Request-Id, RateLimit-Remaining");
        assertThat(allowed.headers().contains("Access-Control-Allow-Methods")).isFalse();
        assertThat(allowed.headers().getAll("Vary")).containsExactly("Accept-Encoding", "Origin");
    }

    @Test
    void varyIsNotDuplicatedWhenTheBackendAlreadyVariesOnOrigin() {
        Upstream varies = Upstream.respond(200, "Vary", "Accept-Encoding, origin");

        Response response = Chains.run(actual("https://app.example.com"), varies, filter);

        assertThat(response.headers().getAll("Vary")).containsExactly("Accept-Encoding, origin");
    }

    @Test
    void refusalFromALaterFilterCarriesCorsHeadersForAnAllowedOrigin() {
        TestExchange exchange = actual("https://app.example.com");

        Response response = Chains.run(exchange, Upstream.refusing(Reason.BODY_TOO_LARGE), filter);

        Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE);
        assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    }

    @Test
    void allowedPreflightIsAnsweredAtTheEdge() {
        TestExchange exchange = preflight("https://acme.shop.example.com", "PUT")
                .header("Access-Control-Request-Headers", "content-type, AUTHORIZATION").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(response.status()).isEqualTo(204);
        Headers headers = response.headers();
        assertThat(headers.get("Access-Control-Allow-Origin")).isEqualTo("https://acme.shop.example.com");
        assertThat(headers.get("Access-Control-Allow-Methods")).isEqualTo("GET, POST, PUT");
        assertThat(headers.get("Access-Control-Allow-Headers")).isEqualTo("content-type, authorization");
        assertThat(headers.get("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(headers.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(headers.get("Vary"))
                .isEqualTo("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        assertThat(upstream.reached()).isFalse();
        assertThat(exchange.recordedEvents().events()).isEmpty();
    }

    @Test
    void preflightWithoutRequestedHeadersSendsNoAllowHeaders() {
        Response response = Chains.run(preflight("https://app.example.com", "POST").build(), upstream, filter);

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.headers().contains("Access-Control-Allow-Headers")).isFalse();
    }

    @Test
    void preflightFromUnknownOriginIsRefused() {
        TestExchange exchange = preflight("https://evil-shop.example.com", "GET").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.CORS_ORIGIN_DENIED).path("detail").asText())
                .isEqualTo("origin not allowed: https://evil-shop.example.com");
        assertThat(response.headers().contains("Access-Control-Allow-Origin")).isFalse();
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void preflightFromNullOriginIsRefused() {
        TestExchange exchange = preflight("null", "GET").build();

        Problems.assertRefused(Chains.run(exchange, upstream, filter), exchange, Reason.CORS_ORIGIN_DENIED);
    }

    @Test
    void preflightForAMethodNotAllowedIsRefused() {
        TestExchange exchange = preflight("https://app.example.com", "DELETE").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.CORS_METHOD_DENIED).path("detail").asText())
                .isEqualTo("method not allowed: DELETE");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void preflightForAHeaderNotAllowedIsRefused() {
        TestExchange exchange = preflight("https://app.example.com", "POST")
                .header("Access-Control-Request-Headers", "content-type, x-admin-override").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.CORS_METHOD_DENIED).path("detail").asText())
                .isEqualTo("header not allowed: x-admin-override");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void preflightAskingForAMalformedHeaderNameIsRefused() {
        TestExchange exchange = preflight("https://app.example.com", "POST")
                .header("Access-Control-Request-Headers", "content-type\r\nx-evil: 1").build();

        Problems.assertRefused(Chains.run(exchange, upstream, filter), exchange, Reason.CORS_METHOD_DENIED);
    }

    @Test
    void optionsWithoutRequestMethodIsNotAPreflightAndReachesTheBackend() {
        TestExchange exchange = ExchangeBuilder.options("/api").header("Origin", "https://app.example.com").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(upstream.reached()).isTrue();
        assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    }

    @Test
    void anyHeaderMayBeRequestedWhenStarIsAllowed() {
        CorsFilter anyHeader = new CorsFilter(new CorsConfig(List.of("https://app.example.com"), List.of(), false,
                List.of("GET"), List.of("*"), List.of(), null));
        TestExchange exchange = preflight("https://app.example.com", "GET")
                .header("Access-Control-Request-Headers", "x-anything").build();

        Response response = Chains.run(exchange, upstream, anyHeader);

        assertThat(response.headers().get("Access-Control-Allow-Headers")).isEqualTo("x-anything");
        assertThat(response.headers().contains("Access-Control-Max-Age")).isFalse();
    }

    @Test
    void starWithCredentialsIsAConfigurationError() {
        assertThatThrownBy(() -> new CorsFilter(config(List.of("*"), List.of(), true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cors origin * cannot be combined with credentials: [*]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example.com", "https://app.example.com/", "https://app.example.com/path",
        "https://*.example.com/", "https://*example.com", "*.example.com", "https://api.*.example.com",
        "https://*.*.example.com", "https://*.example.com:port"})
    void malformedOriginEntryIsAConfigurationError(String entry) {
        assertThatThrownBy(() -> new CorsFilter(config(List.of(entry), List.of(), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(": " + entry);
    }

    @Test
    void invalidRegexIsAConfigurationError() {
        assertThatThrownBy(() -> new CorsFilter(config(List.of(), List.of("https://(unclosed"), false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cors origin regex does not compile: https://(unclosed");
    }

    @Test
    void patternWithPortMatchesThatPortOnly() {
        CorsFilter withPort = new CorsFilter(config(List.of("https://*.dev.example.com:8443"), List.of(), false));

        assertThat(Chains.run(actual("https://a.dev.example.com:8443"), upstream, withPort)
                .headers().get("Access-Control-Allow-Origin")).isEqualTo("https://a.dev.example.com:8443");
        assertThat(Chains.run(actual("https://a.dev.example.com"), upstream, withPort)
                .headers().contains("Access-Control-Allow-Origin")).isFalse();
        assertThat(Chains.run(actual("https://a.dev.example.com:9443"), upstream, withPort)
                .headers().contains("Access-Control-Allow-Origin")).isFalse();
    }

    private static TestExchange actual(String origin) {
        return ExchangeBuilder.get("/api/orders").header("Origin", origin).build();
    }

    private static ExchangeBuilder preflight(String origin, String method) {
        return ExchangeBuilder.options("/api/orders").header("Origin", origin)
                .header("Access-Control-Request-Method", method);
    }

    private static CorsConfig config(List<String> origins, List<String> regexes, boolean credentials) {
        return new CorsConfig(origins, regexes, credentials, List.of("GET", "POST", "PUT"),
                List.of("Content-Type", "Authorization", "X-Requested-With"),
                List.of("X-Request-Id", "RateLimit-Remaining"), Duration.ofMinutes(10));
    }
}
