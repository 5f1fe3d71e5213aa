package dev.bulwark.core.websocket;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketOriginFilterTest {

    private static final String GATEWAY = "chat.shop.test";

    private final Upstream upstream = Upstream.respond(101);
    private final WebSocketOriginFilter listed = new WebSocketOriginFilter(WebSocketConfig.builder()
            .allowedOrigins("https://app.example.com", "https://*.shop.example.com").build(), null);

    private static ExchangeBuilder upgrade() {
        return ExchangeBuilder.get("/chat").host(GATEWAY).secure(true).webSocketUpgrade(true).routeId("chat")
                .requestId("req-1");
    }

    private static TestExchange upgradeFrom(String origin) {
        return upgrade().header("Origin", origin).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com", "https://APP.example.com", "https://eu.acme.shop.example.com",
        "https://" + GATEWAY, "https://" + GATEWAY + ":443"})
    void listedOriginsAndTheGatewaysOwnPagesMayOpenASocket(String origin) {
        Response response = Chains.run(upgradeFrom(origin), upstream, listed);

        assertThat(response.status()).isEqualTo(101);
        assertThat(upstream.reached()).isTrue();
    }

    @Test
    void aClientThatSendsNoOriginIsNotABrowserAndMayOpenASocket() {
        TestExchange exchange = upgrade().build();

        assertThat(Chains.run(exchange, upstream, listed).status()).isEqualTo(101);
        assertThat(exchange.recordedEvents().events()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "null",
        "https://evil.example",
        "https://app.example.com.evil.com",
        "https://attacker.example.com.evil.com",
        "https://shop.example.com",
        "https://evilshop.example.com",
        "http://app.example.com",
        "wss://app.example.com",
        "https://app.example.com:8443",
        "https://app.example.com/",
        "https://app.example.com/chat",
        "https://user@app.example.com",
        "https://app.example.com, https://evil.example",
        "https://app.example.com evil",
        "",
        "http://" + GATEWAY,
        "https://" + GATEWAY + ":8443",
        "https://" + GATEWAY + ".evil.example",
        "https://evil." + GATEWAY
    })
    void forgedOriginsAreRefusedBeforeTheUpstream(String origin) {
        TestExchange exchange = upgradeFrom(origin);

        Response response = Chains.run(exchange, upstream, listed);

        Problems.assertRefused(response, exchange, Reason.WEBSOCKET_ORIGIN_REFUSED);
        assertThat(exchange.recordedEvents().single().source()).isEqualTo("websocket");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void twoOriginFieldsAreRefusedEvenWhenOneIsAllowed() {
        TestExchange exchange = upgrade().header("Origin", "https://app.example.com")
                .header("Origin", "https://evil.example").build();

        Problems.assertRefused(Chains.run(exchange, upstream, listed), exchange, Reason.WEBSOCKET_ORIGIN_REFUSED);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void withoutItsOwnListTheRouteTakesTheCorsOrigins() {
        CorsConfig cors = CorsConfig.builder().allowedOrigins("http://localhost:3000")
                .allowedOriginRegexes("https://preview-[a-z0-9]+\\.pages\\.example\\.net").build();
        WebSocketOriginFilter fromCors = new WebSocketOriginFilter(WebSocketConfig.DEFAULT, cors);

        assertThat(Chains.run(upgradeFrom("http://localhost:3000"), upstream, fromCors).status()).isEqualTo(101);
        assertThat(Chains.run(upgradeFrom("https://preview-42.pages.example.net"), upstream, fromCors).status())
                .isEqualTo(101);
        assertThat(Chains.run(upgradeFrom("http://localhost:3001"), upstream, fromCors).status()).isEqualTo(403);
    }

    @Test
    void withNeitherListOnlyTheGatewaysOwnPagesMayOpenASocket() {
        WebSocketOriginFilter sameOriginOnly = new WebSocketOriginFilter(WebSocketConfig.DEFAULT, CorsConfig.OFF);

        assertThat(Chains.run(upgradeFrom("https://" + GATEWAY), upstream, sameOriginOnly).status()).isEqualTo(101);
        assertThat(Chains.run(upgradeFrom("https://app.example.com"), upstream, sameOriginOnly).status())
                .isEqualTo(403);
    }

    @Test
    void overPlainHttpTheGatewaysOwnOriginIsHttp() {
        TestExchange plain = upgrade().secure(false).header("Origin", "http://" + GATEWAY).build();
        TestExchange upgraded = upgrade().secure(false).header("Origin", "https://" + GATEWAY).build();

        assertThat(Chains.run(plain, upstream, listed).status()).isEqualTo(101);
        assertThat(Chains.run(upgraded, upstream, listed).status()).isEqualTo(403);
    }

    @Test
    void ordinaryRequestsAreLeftToCors() {
        TestExchange exchange = ExchangeBuilder.get("/chat").host(GATEWAY).header("Origin", "https://evil.example")
                .build();

        assertThat(Chains.run(exchange, Upstream.ok(), listed).status()).isEqualTo(200);
        assertThat(exchange.recordedEvents().events()).isEmpty();
    }

    @Test
    void aVeryLongForgedOriginIsCutShortInTheEvent() {
        TestExchange exchange = upgradeFrom("https://" + "a".repeat(5000) + ".evil.example");

        Chains.run(exchange, upstream, listed);

        assertThat(exchange.recordedEvents().single().detail()).hasSizeLessThan(200);
    }
}
