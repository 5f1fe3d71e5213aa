package dev.bulwark.core.auth.suspicious;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig.Action;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.routing.CompiledRoute;
import dev.bulwark.core.routing.RouteCompiler;
import dev.bulwark.core.screening.BotScreeningConfig;
import dev.bulwark.core.screening.ScannerUserAgents;
import dev.bulwark.core.screening.ScreeningAction;
import dev.bulwark.core.screening.ScreeningConfig;
import dev.bulwark.core.screening.ScreeningFilter;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch's scanner rule matches a request's user agent once, whether or not bot screening matched it first. */
class SuspiciousSessionFilterTest {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
    private static final String SQLMAP = "sqlmap/1.8.4#stable (https://sqlmap.org)";
    /** Screening that scores scanners, with an in-house monitor allowed, as {@code screening.bots} configures it. */
    private static final BotScreeningConfig BOTS = BotScreeningConfig.builder().mode(ScreeningAction.SCORE)
            .allow(List.of("firefox")).build();

    private final FakeClock clock = new FakeClock();
    private final ScannerUserAgents list = new ScannerUserAgents(BOTS.userAgents(), BOTS.allow());
    /** Every user agent the watch matched itself, in order. */
    private final List<String> matched = new ArrayList<>();
    private final SuspiciousSessionFilter watch = new SuspiciousSessionFilter(
            new SuspiciousSessionConfig(null, null, Action.LOG),
            new SessionActivity(new SuspiciousSessionConfig(null, null, Action.LOG), clock),
            agent -> {
                matched.add(agent);
                return list.match(agent) != null;
            },
            session -> CompletableFuture.completedFuture(null));
    private final ScreeningFilter sharingScreening = new ScreeningFilter(new ScreeningConfig(BOTS, null), null, null,
            true);

    private TestExchange signedIn(String... userAgents) {
        ExchangeBuilder builder = ExchangeBuilder.get("/api/orders").routeId("api").clientIp("203.0.113.50")
                .clock(clock);
        for (String userAgent : userAgents) {
            builder.header("User-Agent", userAgent);
        }
        TestExchange exchange = builder.build();
        exchange.attribute(ExchangeAttributes.PRINCIPAL, new Principal("alice", "session-1", "bulwark", List.of(),
                List.of(), null, Instant.MAX, Principal.Method.BEARER));
        return exchange;
    }

    /** @return the details of the watch's events for {@code exchange} run through {@code filters} */
    private static List<String> suspicious(TestExchange exchange, SecurityFilter... filters) {
        assertThat(Chains.run(exchange, Upstream.ok(), filters).status()).isEqualTo(200);
        return exchange.recordedEvents().events().stream()
                .filter(event -> event.reason() == Reason.SUSPICIOUS_SESSION).map(SecurityEvent::detail).toList();
    }

    @Test
    void aUserAgentScreeningHasMatchedIsNotMatchedAgain() {
        List<String> scanner = suspicious(signedIn(SQLMAP), sharingScreening, watch);
        List<String> browser = suspicious(signedIn(BROWSER), sharingScreening, watch);

        assertThat(matched).as("user agents the watch matched itself").isEmpty();
        assertThat(scanner).containsExactly("scannerAgents (log): session session-1 used by a scanner's user agent,"
                + " user alice");
        assertThat(browser).isEmpty();
    }

    @Test
    void withoutScreeningTheWatchMatchesTheUserAgentItselfAndFindsTheSame() {
        List<String> scanner = suspicious(signedIn(SQLMAP), watch);
        List<String> browser = suspicious(signedIn(BROWSER), watch);

        assertThat(matched).containsExactly(SQLMAP, BROWSER);
        assertThat(scanner).hasSize(1).isEqualTo(suspicious(signedIn(SQLMAP), sharingScreening, watch));
        assertThat(browser).isEmpty();
    }

    @Test
    void screeningThatDoesNotMatchUserAgentsLeavesTheWatchToDoIt() {
        ScreeningFilter notSharing = new ScreeningFilter(new ScreeningConfig(BOTS, null), null, null);
        ScreeningFilter botsOff = new ScreeningFilter(new ScreeningConfig(BotScreeningConfig.builder()
                .mode(ScreeningAction.OFF).emptyUserAgent(ScreeningAction.SCORE).build(), null), null, null, true);

        assertThat(suspicious(signedIn(SQLMAP), notSharing, watch)).hasSize(1);
        assertThat(suspicious(signedIn(SQLMAP), botsOff, watch)).hasSize(1);
        assertThat(matched).containsExactly(SQLMAP, SQLMAP);
    }

    @Test
    void aScannerBehindAnAllowedUserAgentIsStillFoundWhenTheRequestSendsBoth() {
        // Screening reads the two fields joined, so the allowed browser hides sqlmap from it; the watch reads
        // each field, as it always has, and is not told screening's answer.
        List<String> found = suspicious(signedIn(BROWSER, SQLMAP), sharingScreening, watch);

        assertThat(found).hasSize(1);
        assertThat(matched).containsExactly(BROWSER, SQLMAP);
    }

    @Test
    void compiledScreeningSharesItsAnswerOnlyWhenTheWatchAsksTheSameQuestion() {
        String config = """
                screening: { bots: { mode: score } }
                upstreams:
                  api: { url: "http://127.0.0.1:9000" }
                routes:
                  - id: api
                    match: { path: /api/** }
                    upstream: api
                    auth: required
                auth:
                  suspiciousSessions: { scannerAgents: %s }
                """;

        assertThat(compiledScreening(config.formatted("log")).attribute(ScreeningFilter.SCANNER_MATCH))
                .contains("sqlmap");
        assertThat(compiledScreening(config.formatted("false")).attribute(ScreeningFilter.SCANNER_MATCH))
                .as("no reader, no attribute").isNull();
    }

    /** @return a scanner's request once the route's own screening filter has run on it */
    private static TestExchange compiledScreening(String yaml) {
        CompiledRoute route = RouteCompiler.compile(ConfigLoader.parse(yaml, "bulwark.yaml",
                Map.<String, String>of()::get)).routes().stream().filter(r -> r.id().equals("api")).findFirst()
                .orElseThrow();
        SecurityFilter screening = route.chain().filters().stream().filter(ScreeningFilter.class::isInstance)
                .findFirst().orElseThrow();
        TestExchange exchange = ExchangeBuilder.get("/api/orders").routeId("api").header("User-Agent", SQLMAP)
                .build();
        assertThat(Chains.run(exchange, Upstream.ok(), screening).status()).isEqualTo(200);
        return exchange;
    }
}
