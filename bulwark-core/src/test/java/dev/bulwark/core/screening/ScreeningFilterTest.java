package dev.bulwark.core.screening;

import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What screening leaves for later filters: the scanner list's answer about the user agent, when it matched it. */
class ScreeningFilterTest {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
    private static final String SQLMAP = "sqlmap/1.8.4#stable (https://sqlmap.org)";
    private static final ScreeningConfig SCORING = new ScreeningConfig(
            BotScreeningConfig.builder().mode(ScreeningAction.SCORE).build(), null);

    private static TestExchange request(String... userAgents) {
        ExchangeBuilder builder = ExchangeBuilder.get("/api/orders").routeId("api");
        for (String userAgent : userAgents) {
            builder.header("User-Agent", userAgent);
        }
        return builder.build();
    }

    private static Optional<String> screened(ScreeningFilter filter, TestExchange exchange) {
        assertThat(Chains.run(exchange, Upstream.ok(), filter).status()).isEqualTo(200);
        return exchange.attribute(ScreeningFilter.SCANNER_MATCH);
    }

    @Test
    void aFilterBuiltToShareLeavesWhatTheScannerListSaidOfTheUserAgent() {
        ScreeningFilter sharing = new ScreeningFilter(SCORING, null, null, true);

        assertThat(screened(sharing, request(SQLMAP))).contains("sqlmap");
        assertThat(screened(sharing, request(BROWSER))).isEmpty();
    }

    @Test
    void nothingIsLeftWhenTheUserAgentWasNotMatchedAsOneValue() {
        ScreeningFilter sharing = new ScreeningFilter(SCORING, null, null, true);
        ScreeningFilter botsOff = new ScreeningFilter(new ScreeningConfig(BotScreeningConfig.builder()
                .mode(ScreeningAction.OFF).emptyUserAgent(ScreeningAction.SCORE).build(), null), null, null, true);

        assertThat(screened(new ScreeningFilter(SCORING, null, null), request(SQLMAP)))
                .as("not built to share").isNull();
        assertThat(screened(botsOff, request(SQLMAP))).as("scanner screening off").isNull();
        assertThat(screened(sharing, request(" "))).as("a blank user agent is not matched").isNull();
        assertThat(screened(sharing, request(BROWSER, SQLMAP)))
                .as("two user agents are screened joined, not as a later filter matches them").isNull();
    }
}
