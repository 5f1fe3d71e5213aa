package dev.bulwark.testing;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamTest {

    @Test
    void recordsWhatReachedItAndAnswersWithTheConfiguredResponse() {
        Upstream upstream = Upstream.respond(201, "Server", "nginx");
        TestExchange exchange = ExchangeBuilder.post("/orders").header("X-Tenant", "acme").build();

        Response response = Chains.run(exchange, upstream);
        exchange.requestHeaders().set("X-Tenant", "changed-after");

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.headers().get("Server")).isEqualTo("nginx");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(Upstream.OK_BODY);
        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(upstream.lastRequestHeaders().get("X-Tenant")).isEqualTo("acme");
    }

    @Test
    void reportsThatNothingReachedIt() {
        Upstream upstream = Upstream.ok();

        assertThat(upstream.reached()).isFalse();
        assertThatThrownBy(upstream::lastRequestHeaders).isInstanceOf(AssertionError.class);
    }

    @Test
    void refusingTerminalProducesAProblemAndOneEvent() {
        TestExchange exchange = ExchangeBuilder.get("/").requestId("req-1").build();

        Response response = Chains.run(exchange, Upstream.refusing(Reason.SERVICE_UNAVAILABLE));

        Problems.assertRefused(response, exchange, Reason.SERVICE_UNAVAILABLE);
    }
}
