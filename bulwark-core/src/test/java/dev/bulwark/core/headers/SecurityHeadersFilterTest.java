package dev.bulwark.core.headers;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.edge.HostAllowlistFilter;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecurityHeadersFilterTest {

    private final SecurityHeadersFilter filter = new SecurityHeadersFilter(SecurityHeadersConfig.DEFAULT);

    @Test
    void everyHardeningHeaderIsSentOverTls() {
        Response response = Chains.run(ExchangeBuilder.get("/").secure(true).build(), Upstream.ok(), filter);

        Headers headers = response.headers();
        assertThat(headers.get("Content-Security-Policy"))
                .isEqualTo("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(headers.get("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
        assertThat(headers.get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(headers.get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(headers.get("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(headers.get("Cross-Origin-Resource-Policy")).isEqualTo("same-origin");
        assertThat(headers.get("Permissions-Policy"))
                .isEqualTo("camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    }

    @Test
    void hstsIsNotSentOverPlainHttp() {
        Response response = Chains.run(ExchangeBuilder.get("/").secure(false).build(), Upstream.ok(), filter);

        assertThat(response.headers().contains("Strict-Transport-Security")).isFalse();
        assertThat(response.headers().get("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void hstsPreloadIsAddedWhenConfigured() {
        SecurityHeadersFilter preload = new SecurityHeadersFilter(config(
                "default-src 'self'", new SecurityHeadersConfig.Hsts(Duration.ofDays(730), true, true), "DENY"));

        Response response = Chains.run(ExchangeBuilder.get("/").build(), Upstream.ok(), preload);

        assertThat(response.headers().get("Strict-Transport-Security"))
                .isEqualTo("max-age=63072000; includeSubDomains; preload");
    }

    @Test
    void backendFingerprintHeadersAreRemoved() {
        Upstream chatty = Upstream.respond(200, "Server", "Apache/2.4.1 (Unix)", "X-Powered-By", "Express",
                "x-aspnet-version", "4.0.30319", "X-Custom", "kept");

        Response response = Chains.run(ExchangeBuilder.get("/").build(), chatty, filter);

        assertThat(response.headers().contains("Server")).isFalse();
        assertThat(response.headers().contains("X-Powered-By")).isFalse();
        assertThat(response.headers().contains("X-AspNet-Version")).isFalse();
        assertThat(response.headers().get("X-Custom")).isEqualTo("kept");
    }

    @Test
    void gatewayPolicyReplacesAWeakerOneFromTheBackend() {
        Upstream weak = Upstream.respond(200, "Content-Security-Policy", "default-src *",
                "X-Frame-Options", "ALLOWALL", "Strict-Transport-Security", "max-age=0");

        Response response = Chains.run(ExchangeBuilder.get("/").build(), weak, filter);

        assertThat(response.headers().getAll("Content-Security-Policy"))
                .containsExactly("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(response.headers().getAll("X-Frame-Options")).containsExactly("DENY");
        assertThat(response.headers().getAll("Strict-Transport-Security"))
                .containsExactly("max-age=31536000; includeSubDomains");
    }

    @Test
    void headerConfiguredAsNullIsLeftToTheBackend() {
        SecurityHeadersFilter backendOwnsCsp = new SecurityHeadersFilter(config(null, null, null));
        Upstream backend = Upstream.respond(200, "Content-Security-Policy", "default-src 'self'");

        Response response = Chains.run(ExchangeBuilder.get("/").build(), backend, backendOwnsCsp);

        assertThat(response.headers().get("Content-Security-Policy")).isEqualTo("default-src 'self'");
        assertThat(response.headers().contains("X-Frame-Options")).isFalse();
        assertThat(response.headers().contains("Strict-Transport-Security")).isFalse();
        assertThat(response.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void refusalFromALaterFilterIsHardenedToo() {
        TestExchange exchange = ExchangeBuilder.get("/").build();

        Response response = Chains.run(exchange, Upstream.refusing(Reason.BODY_TOO_LARGE), filter);

        Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE);
        assertThat(response.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.headers().get("Content-Security-Policy")).startsWith("default-src 'none'");
        assertThat(response.headers().get("Strict-Transport-Security")).isNotNull();
    }

    @Test
    void refusalFromAnotherEdgeFilterConfiguredAfterItIsHardened() {
        TestExchange exchange = ExchangeBuilder.get("/").host("evil.com").build();
        Upstream upstream = Upstream.ok();

        Response response = Chains.run(exchange, upstream, filter, new HostAllowlistFilter(List.of("api.example.com")));

        Problems.assertRefused(response, exchange, Reason.HOST_NOT_ALLOWED);
        assertThat(response.headers().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void headerValueThatWouldSplitTheResponseIsRejected() {
        assertThatThrownBy(() -> new SecurityHeadersFilter(config("default-src 'self'\r\nSet-Cookie: a=b", null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("content-security-policy must not contain control characters: "
                        + "default-src 'self'\\r\\nSet-Cookie: a=b");
    }

    @Test
    void negativeHstsMaxAgeIsRejected() {
        assertThatThrownBy(() -> new SecurityHeadersFilter(
                config(null, new SecurityHeadersConfig.Hsts(Duration.ofSeconds(-1), false, false), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("hsts max-age must not be negative: PT-1S");
    }

    private static SecurityHeadersConfig config(String csp, SecurityHeadersConfig.Hsts hsts, String frameOptions) {
        return new SecurityHeadersConfig(csp, hsts, frameOptions, true, "no-referrer", "same-origin", null,
                List.of("Server", "X-Powered-By"));
    }
}
