package dev.bulwark.core.bodylimit;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodyLimitFilterTest {

    private final BodyLimitFilter filter = new BodyLimitFilter(new BodyLimitConfig(500, 100, 50));
    private final Upstream upstream = Upstream.ok();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json|500",
        "application/json; charset=utf-8|500",
        "APPLICATION/JSON|500",
        "application/problem+json|500",
        "application/vnd.api+json;v=2|500",
        "text/plain|100",
        "text/csv; charset=utf-8|100",
        "application/octet-stream|50",
        "multipart/form-data; boundary=x|50",
        "application/x-www-form-urlencoded|50",
        "json|50",
        "application/jsonp|50"
    })
    void capFollowsTheContentType(String contentType, long cap) {
        TestExchange exchange = ExchangeBuilder.post("/api").body(contentType, 10).build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(response.status()).isEqualTo(200);
        assertThat(exchange.bodyLimit()).isEqualTo(cap);
    }

    @Test
    void requestWithoutContentTypeGetsTheOtherCap() {
        TestExchange exchange = ExchangeBuilder.post("/api").build();

        Chains.run(exchange, upstream, filter);

        assertThat(exchange.bodyLimit()).isEqualTo(50);
        assertThat(upstream.reached()).isTrue();
    }

    @Test
    void declaredLengthAtTheCapIsAccepted() {
        TestExchange exchange = ExchangeBuilder.post("/api").body("application/json", 500).build();

        assertThat(Chains.run(exchange, upstream, filter).status()).isEqualTo(200);
    }

    @Test
    void declaredLengthOverTheCapIsRefusedBeforeTheBackendSeesIt() {
        TestExchange exchange = ExchangeBuilder.post("/api").body("application/json", 501).build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE).path("detail").asText())
                .isEqualTo("declared body of 501 bytes exceeds the limit of 500 bytes");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void textBodyOverTheTextCapIsRefusedEvenThoughJsonWouldFit() {
        TestExchange exchange = ExchangeBuilder.post("/api").body("text/plain", 101).build();

        Problems.assertRefused(Chains.run(exchange, upstream, filter), exchange, Reason.BODY_TOO_LARGE);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void repeatedContentTypeCannotBuyTheLargerJsonCap() {
        TestExchange exchange = ExchangeBuilder.post("/api")
                .header("Content-Type", "application/json").header("Content-Type", "text/plain")
                .contentLength(400).build();

        Response response = Chains.run(exchange, upstream, filter);

        Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE);
        assertThat(exchange.bodyLimit()).isEqualTo(100);
    }

    @Test
    void chunkedBodyIsCappedWhileStreaming() {
        TestExchange exchange = ExchangeBuilder.post("/api").body("application/json", -1).build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(response.status()).isEqualTo(200);
        assertThat(exchange.bodyLimit()).isEqualTo(500);
    }

    @Test
    void lowerCapSetEarlierIsKept() {
        TestExchange exchange = ExchangeBuilder.post("/api").body("application/json", 10).build();
        exchange.bodyLimit(20);

        Chains.run(exchange, upstream, filter);

        assertThat(exchange.bodyLimit()).isEqualTo(20);
    }

    @Test
    void defaultsFollowSeedZero() {
        BodyLimitFilter defaults = new BodyLimitFilter(BodyLimitConfig.DEFAULT);
        TestExchange json = ExchangeBuilder.post("/").body("application/json", 5L * 1024 * 1024 + 1).build();

        Problems.assertRefused(Chains.run(json, upstream, defaults), json, Reason.BODY_TOO_LARGE);
        assertThat(json.bodyLimit()).isEqualTo(5L * 1024 * 1024);
    }

    @Test
    void negativeCapIsRejected() {
        assertThatThrownBy(() -> new BodyLimitFilter(new BodyLimitConfig(1, -5, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("text body limit must not be negative: -5");
    }
}
