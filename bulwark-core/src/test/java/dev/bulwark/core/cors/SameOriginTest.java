package dev.bulwark.core.cors;

import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.TestExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The one same-origin rule behind the WebSocket origin check and the CSRF check of cookie requests. */
class SameOriginTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "https://shop.test, true",
        "https://SHOP.test, true",
        "HTTPS://shop.test, true",
        "https://shop.test:443, true",
        "http://shop.test, false",
        "https://shop.test:8443, false",
        "https://shop.test.evil.example, false",
        "https://evil.example, false",
        "https://shop.test/path, false",
        "https://user@shop.test, false",
        "null, false",
    })
    void theOriginMustBeTheSchemeHostAndPortTheClientAddressed(String origin, boolean same) {
        TestExchange exchange = ExchangeBuilder.get("/").host("shop.test").secure(true).build();

        assertThat(AllowedOrigins.isSameOrigin(origin, exchange)).isEqualTo(same);
    }

    @ParameterizedTest(name = "host {0}")
    @CsvSource({"[::1]", "::1"})
    void anIpv6HostMatchesWithOrWithoutItsBrackets(String host) {
        TestExchange exchange = ExchangeBuilder.get("/").host(host).secure(false).build();

        assertThat(AllowedOrigins.isSameOrigin("http://[::1]", exchange)).isTrue();
        assertThat(AllowedOrigins.isSameOrigin("http://[::2]", exchange)).isFalse();
    }
}
