package dev.bulwark.core.iprules;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Severity;
import dev.bulwark.api.Stage;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IpRulesFilterTest {

    private final Upstream upstream = Upstream.ok();

    private final IpRulesFilter officeOnly = new IpRulesFilter(IpRulesConfig.builder()
            .allow("10.0.0.0/8", "2001:db8::/32")
            .deny("10.6.6.0/24", "2001:db8:bad::/48")
            .build());

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.255.255.255", "::ffff:10.1.2.3", "2001:db8::1", "2001:db8:1::1%eth0",
        "[2001:db8::7]"})
    void clientsInsideTheAllowListReachTheBackend(String clientIp) {
        Response response = Chains.run(ExchangeBuilder.get("/").clientIp(clientIp).build(), upstream, officeOnly);

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.10", "11.0.0.0", "9.255.255.255", "::ffff:192.168.1.1", "2001:db9::1",
        "::1", "10.6.6.6", "::ffff:10.6.6.200", "2001:db8:bad::1", "2001:db8:bad:ffff::1%eth0"})
    void clientsOutsideTheAllowListOrInsideTheDenyListAreRefusedWith403(String clientIp) {
        TestExchange exchange = ExchangeBuilder.get("/").clientIp(clientIp).build();

        Response response = Chains.run(exchange, upstream, officeOnly);

        Problems.assertRefused(response, exchange, Reason.IP_DENIED);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void denyWinsOverAllowEvenForTheVeryAddressAllowed() {
        IpRulesFilter filter = new IpRulesFilter(new IpRulesConfig(
                List.of("10.0.0.0/8", "10.6.6.6/32"), List.of("10.6.6.6")));

        assertThat(filter.allows("10.6.6.6")).isFalse();
        assertThat(filter.allows("10.6.6.7")).isTrue();
    }

    @Test
    void anEmptyAllowListLetsEveryoneNotDenied() {
        IpRulesFilter filter = new IpRulesFilter(IpRulesConfig.denyOnly("198.51.100.0/24"));

        assertThat(filter.allows("203.0.113.10")).isTrue();
        assertThat(filter.allows("2001:db8::1")).isTrue();
        assertThat(filter.allows("198.51.100.255")).isFalse();
        assertThat(filter.allows("::ffff:198.51.100.1")).isFalse();
    }

    @Test
    void anIpv4OnlyAllowListShutsOutIpv6Clients() {
        IpRulesFilter filter = new IpRulesFilter(IpRulesConfig.allowOnly("0.0.0.0/0"));

        assertThat(filter.allows("192.0.2.1")).isTrue();
        assertThat(filter.allows("::ffff:192.0.2.1")).isTrue();
        assertThat(filter.allows("2001:db8::1")).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"unknown", "localhost", "010.0.0.1", "10.0.0.1:443", "fe80::1%"})
    void aClientAddressThatIsNotALiteralIsRefusedWhenThereAreRules(String clientIp) {
        IpRulesFilter denyOnly = new IpRulesFilter(IpRulesConfig.denyOnly("198.51.100.0/24"));
        TestExchange exchange = ExchangeBuilder.get("/").clientIp(clientIp).build();

        Response response = Chains.run(exchange, upstream, denyOnly);

        Problems.assertRefused(response, exchange, Reason.IP_DENIED);
        assertThat(exchange.recordedEvents().single().detail())
                .isEqualTo("client address is not an IP address literal");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void noRulesLetEveryClientThroughWithoutLookingAtIt() {
        IpRulesFilter none = IpRulesFilter.combine(null, IpRulesConfig.NONE);
        TestExchange exchange = ExchangeBuilder.get("/").clientIp("not an address").build();

        Response response = Chains.run(exchange, upstream, none);

        assertThat(none.restrictsNothing()).isTrue();
        assertThat(response.status()).isEqualTo(200);
        assertThat(exchange.recordedEvents().events()).isEmpty();
        assertThat(new IpRulesFilter(null).restrictsNothing()).isTrue();
        assertThat(officeOnly.restrictsNothing()).isFalse();
    }

    @Test
    void refusalTellsTheClientNothingAboutTheListsAndTellsTheOperatorWhichListRefused() {
        TestExchange exchange = ExchangeBuilder.get("/admin").clientIp("10.6.6.6").routeId("admin")
                .requestId("req-1").build();

        Response response = Chains.run(exchange, upstream, officeOnly);

        assertThat(Problems.assertRefused(response, exchange, Reason.IP_DENIED).path("detail").asText())
                .isEqualTo("client address not allowed");
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .doesNotContain("10.6.6", "10.0.0.0", "2001:db8", "deny", "allow list");
        SecurityEvent event = exchange.recordedEvents().single();
        assertThat(event.reason()).isEqualTo(Reason.IP_DENIED);
        assertThat(event.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(event.source()).isEqualTo("ip-rules");
        assertThat(event.routeId()).isEqualTo("admin");
        assertThat(event.requestId()).isEqualTo("req-1");
        assertThat(event.clientIp()).isEqualTo("10.6.6.6");
        assertThat(event.detail()).isEqualTo("client address matches the deny list")
                .doesNotContain("10.6.6.0/24");
    }

    @Test
    void aClientOutsideTheAllowListIsToldTheSameAsADeniedOne() {
        TestExchange exchange = ExchangeBuilder.get("/").clientIp("203.0.113.10").build();

        Response response = Chains.run(exchange, upstream, officeOnly);

        assertThat(Problems.assertRefused(response, exchange, Reason.IP_DENIED).path("detail").asText())
                .isEqualTo("client address not allowed");
        assertThat(exchange.recordedEvents().single().detail()).isEqualTo("client address is not in the allow list");
    }

    @Test
    void nothingAfterTheFilterRunsOnRefusal() {
        AtomicInteger laterStages = new AtomicInteger();
        SecurityFilter rateLimit = counting(Stage.RATE_LIMIT, laterStages);
        SecurityFilter authentication = counting(Stage.AUTHENTICATION, laterStages);
        TestExchange exchange = ExchangeBuilder.get("/").clientIp("192.0.2.1").build();

        Response response = Chains.run(exchange, upstream, authentication, officeOnly, rateLimit);

        assertThat(response.status()).isEqualTo(403);
        assertThat(laterStages).hasValue(0);
        assertThat(upstream.calls()).isZero();
    }

    @Test
    void runsAtTheIpRulesStageAfterCorsAndBeforeBodyLimits() {
        assertThat(officeOnly.stage()).isEqualTo(Stage.IP_RULES);
        assertThat(Stage.IP_RULES).isGreaterThan(Stage.CORS).isLessThan(Stage.BODY_LIMIT);
    }

    // ---- global and per-route rules together ----

    @ParameterizedTest(name = "global {0} / {1}, route {2} / {3}: {4} -> {5}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # global allow  | global deny    | route allow    | route deny     | client        | passes | event detail
            # both allow lists: the client must be in both (a route narrows, never widens)
            10.0.0.0/8      | -              | 10.1.0.0/16    | -              | 10.1.2.3      | true   | -
            10.0.0.0/8      | -              | 10.1.0.0/16    | -              | 10.2.0.1      | false  | client address is not in the route allow list
            10.0.0.0/8      | -              | 10.1.0.0/16    | -              | 192.168.0.1   | false  | client address is not in the global allow list
            10.0.0.0/8      | -              | 0.0.0.0/0      | -              | 192.168.0.1   | false  | client address is not in the global allow list
            # one allow list applies alone
            10.0.0.0/8      | -              | -              | -              | 10.9.9.9      | true   | -
            10.0.0.0/8      | -              | -              | -              | 11.0.0.1      | false  | client address is not in the global allow list
            -               | -              | 10.1.0.0/16    | -              | 10.1.0.1      | true   | -
            -               | -              | 10.1.0.0/16    | -              | 10.2.0.1      | false  | client address is not in the route allow list
            # denies add up, and win over either allow list
            -               | 10.1.6.6       | 10.1.0.0/16    | -              | 10.1.6.6      | false  | client address matches the global deny list
            10.0.0.0/8      | -              | -              | 10.1.6.0/24    | 10.1.6.1      | false  | client address matches the route deny list
            10.0.0.0/8      | 10.1.6.6       | 10.1.0.0/16    | 10.1.7.0/24    | 10.1.7.7      | false  | client address matches the route deny list
            10.0.0.0/8      | 10.1.6.6       | 10.1.0.0/16    | 10.1.7.0/24    | 10.1.8.8      | true   | -
            -               | 2001:db8::/32  | -              | 198.51.100.0/24| 2001:db8::1   | false  | client address matches the global deny list
            -               | 2001:db8::/32  | -              | 198.51.100.0/24| 2001:db9::1   | true   | -
            # mapped clients and zones behave the same under composition
            10.0.0.0/8      | -              | 10.1.0.0/16    | -              | ::ffff:10.1.0.9 | true | -
            fe80::/10       | -              | fe80::/64      | fe80::bad/128  | fe80::bad%eth0 | false | client address matches the route deny list
            fe80::/10       | -              | fe80::/64      | fe80::bad/128  | fe80::1%eth0  | true   | -
            """)
    void globalAndRouteRulesCombine(String globalAllow, String globalDeny, String routeAllow, String routeDeny,
                                    String clientIp, boolean passes, String eventDetail) {
        IpRulesFilter filter = IpRulesFilter.combine(rules(globalAllow, globalDeny), rules(routeAllow, routeDeny));
        TestExchange exchange = ExchangeBuilder.get("/").clientIp(clientIp).build();

        Response response = Chains.run(exchange, upstream, filter);

        if (passes) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(exchange.recordedEvents().events()).isEmpty();
        } else {
            Problems.assertRefused(response, exchange, Reason.IP_DENIED);
            assertThat(exchange.recordedEvents().single().detail()).isEqualTo(eventDetail);
        }
        assertThat(upstream.reached()).isEqualTo(passes);
    }

    @Test
    void combiningNothingWithNothingRestrictsNothing() {
        assertThat(IpRulesFilter.combine(null, null).restrictsNothing()).isTrue();
        assertThat(IpRulesFilter.combine(IpRulesConfig.NONE, IpRulesConfig.denyOnly("::1")).restrictsNothing())
                .isFalse();
    }

    private static IpRulesConfig rules(String allow, String deny) {
        IpRulesConfig.Builder builder = IpRulesConfig.builder();
        if (allow != null) {
            builder.allow(allow);
        }
        if (deny != null) {
            builder.deny(deny);
        }
        return builder.build();
    }

    private static SecurityFilter counting(Stage stage, AtomicInteger counter) {
        return new SecurityFilter() {
            @Override
            public Stage stage() {
                return stage;
            }

            @Override
            public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
                counter.incrementAndGet();
                return chain.proceed(exchange);
            }
        };
    }
}
