package dev.bulwark.core.websocket;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketLimitFilterTest {

    private final WebSocketConnections connections = new WebSocketConnections();
    private final WebSocketLimitFilter filter = new WebSocketLimitFilter("chat", WebSocketConfig.builder()
            .maxConnectionsPerIp(3).maxConnectionsPerUser(2).build(), connections);
    private final Upstream upgraded = Upstream.respond(101);

    private static TestExchange upgrade(String ip, String user) {
        TestExchange exchange = ExchangeBuilder.get("/chat").webSocketUpgrade(true).routeId("chat")
                .clientIp(ip).build();
        if (user != null) {
            exchange.attribute(ExchangeAttributes.USER, user);
        }
        return exchange;
    }

    /** @return the session the filter admitted, after a 101 from the rest of the chain */
    private WebSocketSession admit(String ip, String user) {
        TestExchange exchange = upgrade(ip, user);
        assertThat(Chains.run(exchange, upgraded, filter).status()).isEqualTo(101);
        return exchange.attribute(WebSocketLimitFilter.SESSION);
    }

    @Test
    void aClientAddressOverItsCapIsRefusedWith429BeforeTheUpstream() {
        admit("203.0.113.7", null);
        admit("203.0.113.7", null);
        admit("203.0.113.7", null);
        Upstream upstream = Upstream.respond(101);
        TestExchange fourth = upgrade("203.0.113.7", null);

        Response response = Chains.run(fourth, upstream, filter);

        Problems.assertRefused(response, fourth, Reason.WEBSOCKET_CONNECTION_LIMIT);
        assertThat(response.headers().get("Retry-After")).as("the default retryAfter").isEqualTo("5");
        assertThat(fourth.recordedEvents().single().detail())
                .isEqualTo("client address already holds 3 websockets on this route");
        assertThat(upstream.reached()).isFalse();
        assertThat(Chains.run(upgrade("203.0.113.8", null), upgraded, filter).status())
                .as("another address has its own cap").isEqualTo(101);
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        admit("2001:db8:1:2::1", null);
        admit("2001:db8:1:2::2", null);
        admit("2001:db8:1:2:aaaa::3", null);
        TestExchange fourth = upgrade("2001:db8:1:2:ffff:ffff:ffff:ffff", null);

        Problems.assertRefused(Chains.run(fourth, upgraded, filter), fourth, Reason.WEBSOCKET_CONNECTION_LIMIT);
        assertThat(Chains.run(upgrade("2001:db8:1:3::1", null), upgraded, filter).status())
                .as("the next /64 has its own cap").isEqualTo(101);
    }

    @Test
    void aUserOverTheirCapIsRefusedFromAnyAddress() {
        admit("203.0.113.1", "alice");
        admit("203.0.113.2", "alice");
        TestExchange third = upgrade("203.0.113.3", "alice");

        Response response = Chains.run(third, upgraded, filter);

        Problems.assertRefused(response, third, Reason.WEBSOCKET_CONNECTION_LIMIT);
        assertThat(response.headers().get("Retry-After")).isEqualTo("5");
        assertThat(third.recordedEvents().single().detail()).isEqualTo("user already holds 2 websockets on this route");
        assertThat(connections.held("ip chat 203.0.113.3")).as("the address slot is given back").isZero();
    }

    @Test
    void aRefusalCarriesTheRoutesConfiguredRetryAfter() {
        WebSocketLimitFilter patient = new WebSocketLimitFilter("feed", WebSocketConfig.builder()
                .maxConnectionsPerIp(1).retryAfter(Duration.ofSeconds(30)).build(), connections);
        assertThat(Chains.run(upgrade("203.0.113.4", null), upgraded, patient).status()).isEqualTo(101);
        TestExchange second = upgrade("203.0.113.4", null);

        Response response = Chains.run(second, upgraded, patient);

        Problems.assertRefused(response, second, Reason.WEBSOCKET_CONNECTION_LIMIT);
        assertThat(response.headers().get("Retry-After")).isEqualTo("30");
    }

    @Test
    void anEndedSocketGivesItsSlotsBack() {
        WebSocketSession first = admit("203.0.113.1", "bob");
        admit("203.0.113.1", "bob");

        first.end();
        first.end();

        assertThat(connections.held("user chat bob")).isEqualTo(1);
        assertThat(Chains.run(upgrade("203.0.113.1", "bob"), upgraded, filter).status()).isEqualTo(101);
    }

    @Test
    void anUpgradeRefusedLaterInTheChainGivesItsSlotsBack() {
        TestExchange exchange = upgrade("203.0.113.9", "carol");

        Response response = Chains.run(exchange, Upstream.refusing(Reason.UPSTREAM_UNAVAILABLE), filter);

        assertThat(response.status()).isEqualTo(502);
        assertThat(connections.held("ip chat 203.0.113.9")).isZero();
        assertThat(connections.held("user chat carol")).isZero();
    }

    @Test
    void capsCountPerRoute() {
        WebSocketLimitFilter other = new WebSocketLimitFilter("feed", WebSocketConfig.builder()
                .maxConnectionsPerUser(2).build(), connections);
        admit("203.0.113.1", "dave");
        admit("203.0.113.1", "dave");

        TestExchange exchange = upgrade("203.0.113.1", "dave");
        assertThat(Chains.run(exchange, upgraded, other).status()).isEqualTo(101);
    }

    @Test
    void ordinaryRequestsAreNotCounted() {
        TestExchange exchange = ExchangeBuilder.get("/chat").routeId("chat").clientIp("203.0.113.1").build();

        assertThat(Chains.run(exchange, Upstream.ok(), filter).status()).isEqualTo(200);
        assertThat(exchange.attribute(WebSocketLimitFilter.SESSION)).isNull();
        assertThat(connections.held("ip chat 203.0.113.1")).isZero();
    }
}
