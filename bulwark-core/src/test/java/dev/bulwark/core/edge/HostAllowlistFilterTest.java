package dev.bulwark.core.edge;

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

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostAllowlistFilterTest {

    private final HostAllowlistFilter filter =
            new HostAllowlistFilter(List.of("api.example.com", "*.tenants.example.com", "127.0.0.1"));
    private final Upstream upstream = Upstream.ok();

    @ParameterizedTest
    @ValueSource(strings = {"api.example.com", "API.Example.COM", "api.example.com.", "acme.tenants.example.com",
        "eu.acme.tenants.example.com", "127.0.0.1"})
    void listedHostsReachTheBackend(String host) {
        Response response = Chains.run(ExchangeBuilder.get("/").host(host).build(), upstream, filter);

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "evil.com",
        "tenants.example.com",
        "example.com",
        "api.example.com.evil.com",
        "evilapi.example.com",
        "eviltenants.example.com",
        "acme.tenants.example.com.evil.com",
        ".tenants.example.com",
        "a..tenants.example.com",
        "evil.com/.tenants.example.com",
        "evil.com#.tenants.example.com",
        "user@acme.tenants.example.com",
        "api.example.com:8080",
        "127.0.0.2"
    })
    void unknownHostsAreRefusedWith421(String host) {
        TestExchange exchange = ExchangeBuilder.get("/").host(host).build();

        Response response = Chains.run(exchange, upstream, filter);

        Problems.assertRefused(response, exchange, Reason.HOST_NOT_ALLOWED);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void requestWithoutHostIsRefused() {
        TestExchange exchange = ExchangeBuilder.get("/").host(null).build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.HOST_NOT_ALLOWED).path("detail").asText())
                .isEqualTo("request has no host");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void refusalNamesTheHostButTruncatesHugeOnes() {
        TestExchange exchange = ExchangeBuilder.get("/").host("x".repeat(5000) + ".evil.com").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.HOST_NOT_ALLOWED).path("detail").asText())
                .startsWith("host not allowed: xxx").hasSizeLessThan(200);
    }

    @Test
    void upperCaseEntriesMatchLowerCaseHosts() {
        HostAllowlistFilter upper = new HostAllowlistFilter(List.of("API.EXAMPLE.COM", "*.Shop.Example.Com"));

        assertThat(Chains.run(ExchangeBuilder.get("/").host("api.example.com").build(), upstream, upper).status())
                .isEqualTo(200);
        assertThat(Chains.run(ExchangeBuilder.get("/").host("a.shop.example.com").build(), upstream, upper).status())
                .isEqualTo(200);
    }

    @Test
    void malformedEntriesAreRejectedNamingTheEntry() {
        assertThatThrownBy(() -> new HostAllowlistFilter(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("allowed hosts must not be empty");
        assertThatThrownBy(() -> new HostAllowlistFilter(List.of("https://api.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(": https://api.example.com");
        assertThatThrownBy(() -> new HostAllowlistFilter(List.of("api.example.com:8080")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(": api.example.com:8080");
        assertThatThrownBy(() -> new HostAllowlistFilter(List.of("api.*.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed host pattern must be *.domain: api.*.com");
        assertThatThrownBy(() -> new HostAllowlistFilter(List.of("*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("allowed host pattern must be *.domain: *");
    }
}
