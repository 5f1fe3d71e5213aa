package dev.bulwark.core.edge;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderLimitFilterTest {

    private final Upstream upstream = Upstream.ok();

    @Test
    void requestWithinBothLimitsReachesTheBackend() {
        // "Accept: */*" takes 6 + 3 + 4 = 13 bytes.
        HeaderLimitFilter filter = new HeaderLimitFilter(1, 13);

        Response response = Chains.run(ExchangeBuilder.get("/").header("Accept", "*/*").build(), upstream, filter);

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
    }

    @Test
    void oneFieldTooManyIsRefusedWith431() {
        HeaderLimitFilter filter = new HeaderLimitFilter(3, 8192);
        ExchangeBuilder request = ExchangeBuilder.get("/");
        for (int i = 0; i < 4; i++) {
            request.header("X-Filler", "v" + i);
        }
        TestExchange exchange = request.build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.HEADERS_TOO_LARGE).path("detail").asText())
                .isEqualTo("request has 4 header fields, the limit is 3");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void oneByteTooManyIsRefusedWith431() {
        HeaderLimitFilter filter = new HeaderLimitFilter(100, 13);
        TestExchange exchange = ExchangeBuilder.get("/").header("Accept", "*/**").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.HEADERS_TOO_LARGE).path("detail").asText())
                .isEqualTo("request headers take 14 bytes, the limit is 13");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void oneHugeCookieIsRefused() {
        HeaderLimitFilter filter = new HeaderLimitFilter(100, 8192);
        TestExchange exchange = ExchangeBuilder.get("/").header("Cookie", "s=" + "a".repeat(64 * 1024)).build();

        Response response = Chains.run(exchange, upstream, filter);

        Problems.assertRefused(response, exchange, Reason.HEADERS_TOO_LARGE);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void nonPositiveLimitsAreRejected() {
        assertThatThrownBy(() -> new HeaderLimitFilter(0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("max header count must be positive: 0");
        assertThatThrownBy(() -> new HeaderLimitFilter(10, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("max header bytes must be positive: -1");
    }
}
