package dev.bulwark.core.requestid;

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

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestIdFilterTest {

    private final RequestIdFilter filter = new RequestIdFilter(RequestIdConfig.DEFAULT);
    private final Upstream upstream = Upstream.ok();

    @Test
    void wellFormedIncomingIdIsKeptForwardedAndEchoed() {
        TestExchange exchange = ExchangeBuilder.get("/api").header("X-Request-Id", "client-42:retry.1_a").build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(exchange.requestId()).isEqualTo("client-42:retry.1_a");
        assertThat(upstream.lastRequestHeaders().get("X-Request-Id")).isEqualTo("client-42:retry.1_a");
        assertThat(response.headers().get("X-Request-Id")).isEqualTo("client-42:retry.1_a");
    }

    @Test
    void requestWithoutIdGetsARandomUuidUpstreamAndInTheResponse() {
        TestExchange exchange = ExchangeBuilder.get("/api").build();

        Response response = Chains.run(exchange, upstream, filter);

        String id = exchange.requestId();
        assertThat(UUID.fromString(id).version()).isEqualTo(4);
        assertThat(UUID.fromString(id).variant()).isEqualTo(2);
        assertThat(upstream.lastRequestHeaders().get("X-Request-Id")).isEqualTo(id);
        assertThat(response.headers().get("X-Request-Id")).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "abc\r\nSet-Cookie: session=attacker",
        "abc\nX-Admin: true",
        "has space",
        "\"quoted\"",
        "",
        "<script>alert(1)</script>",
        "id;drop table",
        "ïd-ünïcödé",
        "id\u0000null",
        "ｆｕｌｌｗｉｄｔｈ"
    })
    void malformedIncomingIdIsReplacedEverywhere(String forged) {
        TestExchange exchange = ExchangeBuilder.get("/api").header("X-Request-Id", forged).build();

        Response response = Chains.run(exchange, upstream, filter);

        String id = exchange.requestId();
        assertThat(id).isNotEqualTo(forged);
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(upstream.lastRequestHeaders().getAll("X-Request-Id")).containsExactly(id);
        assertThat(response.headers().getAll("X-Request-Id")).containsExactly(id);
    }

    @Test
    void tenThousandCharacterIdIsReplaced() {
        String huge = "a".repeat(10_000);
        TestExchange exchange = ExchangeBuilder.get("/api").header("X-Request-Id", huge).build();

        Chains.run(exchange, upstream, filter);

        assertThat(exchange.requestId()).hasSize(36);
        assertThat(upstream.lastRequestHeaders().get("X-Request-Id")).hasSize(36);
    }

    @Test
    void idOfExactlyMaxLengthIsKeptAndOneLongerIsReplaced() {
        RequestIdFilter shortIds = new RequestIdFilter(new RequestIdConfig("X-Request-Id", true, 8));
        TestExchange exact = ExchangeBuilder.get("/").header("X-Request-Id", "12345678").build();
        TestExchange tooLong = ExchangeBuilder.get("/").header("X-Request-Id", "123456789").build();

        Chains.run(exact, upstream, shortIds);
        Chains.run(tooLong, upstream, shortIds);

        assertThat(exact.requestId()).isEqualTo("12345678");
        assertThat(tooLong.requestId()).isNotEqualTo("123456789").hasSize(36);
    }

    @Test
    void repeatedIncomingIdsAreReplacedByOne() {
        TestExchange exchange = ExchangeBuilder.get("/api")
                .header("X-Request-Id", "first").header("X-Request-Id", "second").build();

        Chains.run(exchange, upstream, filter);

        assertThat(exchange.requestId()).isNotIn("first", "second");
        assertThat(upstream.lastRequestHeaders().getAll("X-Request-Id")).containsExactly(exchange.requestId());
    }

    @Test
    void incomingIdIsIgnoredWhenNotTrusted() {
        RequestIdFilter untrusting = new RequestIdFilter(new RequestIdConfig("X-Request-Id", false, 128));
        TestExchange exchange = ExchangeBuilder.get("/api").header("X-Request-Id", "client-chosen").build();

        Chains.run(exchange, upstream, untrusting);

        assertThat(exchange.requestId()).isNotEqualTo("client-chosen");
        assertThat(upstream.lastRequestHeaders().get("X-Request-Id")).isEqualTo(exchange.requestId());
    }

    @Test
    void configuredHeaderNameIsReadAndWrittenCaseInsensitively() {
        RequestIdFilter correlation = new RequestIdFilter(new RequestIdConfig("X-Correlation-Id", true, 64));
        TestExchange exchange = ExchangeBuilder.get("/api").header("x-correlation-id", "corr-1").build();

        Response response = Chains.run(exchange, upstream, correlation);

        assertThat(exchange.requestId()).isEqualTo("corr-1");
        assertThat(response.headers().get("X-Correlation-Id")).isEqualTo("corr-1");
        assertThat(response.headers().contains("X-Request-Id")).isFalse();
    }

    @Test
    void refusalFromALaterFilterCarriesTheIdInHeaderAndBody() {
        TestExchange exchange = ExchangeBuilder.get("/api").header("X-Request-Id", "trace-7").build();

        Response response = Chains.run(exchange, Upstream.refusing(Reason.BODY_TOO_LARGE), filter);

        assertThat(response.headers().get("X-Request-Id")).isEqualTo("trace-7");
        assertThat(Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE).path("requestId").asText())
                .isEqualTo("trace-7");
    }

    @Test
    void generatedIdsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            TestExchange exchange = ExchangeBuilder.get("/").build();
            Chains.run(exchange, upstream, filter);
            ids.add(exchange.requestId());
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void badConfigurationIsRejectedNamingTheValue() {
        assertThatThrownBy(() -> new RequestIdFilter(new RequestIdConfig("X-Request-Id", true, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("request id max length must be positive: 0");
        assertThatThrownBy(() -> new RequestIdFilter(new RequestIdConfig("X Request\r\nId", true, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("request id header must be");
    }
}
