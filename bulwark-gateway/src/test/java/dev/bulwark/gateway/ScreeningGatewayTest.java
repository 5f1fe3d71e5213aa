package dev.bulwark.gateway;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.screening.BotScreeningConfig;
import dev.bulwark.core.screening.IpReputationConfig;
import dev.bulwark.core.screening.ScreeningAction;
import dev.bulwark.core.screening.ScreeningConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bot, scanner and IP-reputation screening through a real gateway: the client address comes from
 * {@code X-Forwarded-For}, as the loopback peer is a trusted proxy here.
 */
class ScreeningGatewayTest {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    @TempDir
    static Path dir;
    private static Path list;
    private static TestUpstream upstream;
    private static Gateway gateway;
    private static final BlockingQueue<SecurityEvent> EVENTS = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        list = dir.resolve("deny.txt");
        Files.writeString(list, "# test feed\n203.0.113.0/24 ; SBL-test\n2001:db8:bad::/48\n");
        upstream = new TestUpstream();
        gateway = Gateway.start(screened(ScreeningAction.BLOCK, list, Mode.DEVELOPMENT),
                GatewayOptions.defaults().withEventLoops(1).withEvents(EVENTS::add));
    }

    private static BulwarkConfig screened(ScreeningAction action, Path file, Mode mode) {
        return GatewayTestSupport.config(upstream, GatewayTestSupport.server().trustedProxies("127.0.0.1/32"))
                .mode(mode)
                .screening(new ScreeningConfig(
                        BotScreeningConfig.builder().mode(action).emptyUserAgent(ScreeningAction.SCORE)
                                .userAgents(List.of("EvilCorp-Crawler")).allow(List.of("nuclei-internal-monitor"))
                                .build(),
                        new IpReputationConfig(file, Duration.ofSeconds(1), action)))
                .route(RouteConfig.builder("open").path("/**").upstream("backend"))
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() throws InterruptedException {
        while (!upstream.nothingReceived()) {
            upstream.next();
        }
        EVENTS.clear();
    }

    private static HttpResponse<String> get(Gateway target, String path, String userAgent, String client)
            throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(target.baseUri().resolve(path)).header("User-Agent", userAgent)
                .header("X-Forwarded-For", client).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKnownScannerIsRefusedBeforeTheBackendWithoutBeingToldWhy() throws Exception {
        HttpResponse<String> refused = get(gateway, "/products", "sqlmap/1.7.2#stable (https://sqlmap.org)",
                "198.51.100.7");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("urn:bulwark:problem:scanner-detected", "request not allowed")
                .doesNotContain("sqlmap");
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(EVENTS.poll()).satisfies(event -> {
            assertThat(event.reason()).isEqualTo(Reason.SCANNER_DETECTED);
            assertThat(event.detail()).contains("\"sqlmap\"");
        });
    }

    @Test
    void scannerPatternsMatchAnywhereWithoutRegardToCaseAndConfiguredOnesCount() throws Exception {
        assertThat(get(gateway, "/a", "Mozilla/5.0 (compatible; NUCLEI - Open-source project)", "198.51.100.7")
                .statusCode()).isEqualTo(403);
        assertThat(get(gateway, "/a", "Mozilla/5.0 zgrab/0.x", "198.51.100.7").statusCode()).isEqualTo(403);
        assertThat(get(gateway, "/a", "evilcorp-crawler/2.0", "198.51.100.7").statusCode()).isEqualTo(403);
        assertThat(get(gateway, "/a", "nuclei-internal-monitor/1.0", "198.51.100.7").statusCode()).isEqualTo(200);
    }

    @Test
    void anOrdinaryBrowserPassesAndAForgedScreeningHeaderNeverReachesTheBackend() throws Exception {
        HttpResponse<String> passed = CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/products"))
                .header("User-Agent", BROWSER).header("X-Forwarded-For", "198.51.100.7")
                .header("X-Bulwark-Screening", "trusted-partner").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(upstream.next().header("X-Bulwark-Screening")).isNull();
        assertThat(EVENTS).isEmpty();
    }

    @Test
    void aRequestWithoutUserAgentIsScoredAndTheBackendIsTold() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(),
                "GET /products HTTP/1.1\r\nHost: localhost\r\nX-Bulwark-Screening: forged\r\n\r\n");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(upstream.next().header("X-Bulwark-Screening")).isEqualTo("empty-user-agent");
        assertThat(EVENTS.poll().reason()).isEqualTo(Reason.SCANNER_DETECTED);
    }

    @Test
    void listedClientsAreRefusedAndUnlistedOnesPass() throws Exception {
        HttpResponse<String> refused = get(gateway, "/products", BROWSER, "203.0.113.9");
        HttpResponse<String> mappedV6 = get(gateway, "/products", BROWSER, "2001:db8:bad::1");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("urn:bulwark:problem:ip-reputation-denied").doesNotContain("203.0.113");
        assertThat(mappedV6.statusCode()).isEqualTo(403);
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(get(gateway, "/products", BROWSER, "198.51.100.7").statusCode()).isEqualTo(200);
    }

    @Test
    void theListIsReloadedWhenTheFileChangesAndABrokenFileKeepsThePreviousList() throws Exception {
        replace("203.0.113.0/24\n198.51.100.0/24\n");
        awaitTrue(() -> status("192.0.2.1") == 200 && status("198.51.100.7") == 403);

        replace("203.0.113.0/24\nthis is not an address\n");
        awaitTrue(() -> EVENTS.stream().anyMatch(e -> e.reason() == Reason.IP_REPUTATION_LIST_REJECTED));
        SecurityEvent rejected = EVENTS.stream()
                .filter(e -> e.reason() == Reason.IP_REPUTATION_LIST_REJECTED).findFirst().orElseThrow();
        assertThat(rejected.detail()).contains("line 2");
        assertThat(status("198.51.100.7")).isEqualTo(403);

        replace("# test feed\n203.0.113.0/24 ; SBL-test\n2001:db8:bad::/48\n");
        awaitTrue(() -> status("198.51.100.7") == 200);
    }

    @Test
    void healthAndMetricsAreNeverScreened() throws Exception {
        HttpResponse<String> live = get(gateway, "/_bulwark/health/live", "sqlmap/1.7", "203.0.113.9");

        assertThat(live.statusCode()).isEqualTo(200);
    }

    @Test
    void theAuthEndpointsAreScreenedLikeEveryRoute() throws Exception {
        BulwarkConfig withAuth = BulwarkConfig.builder()
                .server(GatewayTestSupport.server().host("127.0.0.1").port(0).trustedProxies("127.0.0.1/32"))
                .screening(screened(ScreeningAction.BLOCK, list, Mode.DEVELOPMENT).screening())
                .auth(AuthConfig.builder().hashing(new PasswordHashingConfig(1024, 1, 1, 16, 32)).build())
                .build();
        try (Gateway auth = Gateway.start(withAuth, GatewayOptions.defaults().withEventLoops(1))) {
            HttpRequest.Builder login = HttpRequest.newBuilder(auth.baseUri().resolve("/auth/login"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.7")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@example.com\",\"password\":\"x\"}"));

            HttpResponse<String> scanner = CLIENT.send(login.copy().header("User-Agent", "hydra (hydra)").build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> person = CLIENT.send(login.copy().header("User-Agent", BROWSER).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(scanner.statusCode()).isEqualTo(403);
            assertThat(scanner.body()).contains("urn:bulwark:problem:scanner-detected");
            assertThat(person.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void inScoreModeScannersAndListedClientsReachTheBackendFlagged() throws Exception {
        try (Gateway scoring = Gateway.start(screened(ScreeningAction.SCORE, list, Mode.DEVELOPMENT),
                GatewayOptions.defaults().withEventLoops(1).withEvents(EVENTS::add))) {
            HttpResponse<String> passed = get(scoring, "/products", "Nikto/2.5.0", "203.0.113.9");

            assertThat(passed.statusCode()).isEqualTo(200);
            assertThat(upstream.next().header("X-Bulwark-Screening")).isEqualTo("ip-reputation, scanner-user-agent");
            assertThat(EVENTS).extracting(SecurityEvent::reason)
                    .containsExactly(Reason.IP_REPUTATION_DENIED, Reason.SCANNER_DETECTED);
        }
    }

    @Test
    void aMissingListStopsProductionButOnlyWarnsInDevelopment() {
        Path missing = dir.resolve("not-there.txt");

        assertThatThrownBy(() -> Gateway.start(screened(ScreeningAction.BLOCK, missing, Mode.PRODUCTION)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("screening.ipReputation.file").hasMessageContaining("does not exist");
        try (Gateway development = Gateway.start(screened(ScreeningAction.BLOCK, missing, Mode.DEVELOPMENT),
                GatewayOptions.defaults().withEventLoops(1))) {
            assertThat(development.port()).isPositive();
        }
    }

    @Test
    void aMalformedListStopsStartupInAnyModeNamingTheLine() throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "10.0.0.0/8\n10.0.0.1/8\n");

        assertThatThrownBy(() -> Gateway.start(screened(ScreeningAction.BLOCK, bad, Mode.DEVELOPMENT)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 2")
                .hasMessageContaining("10.0.0.1/8");
    }

    private static int status(String client) {
        try {
            return get(gateway, "/products", BROWSER, client).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the list the way operators are told to: a new file moved over the old one. */
    private static void replace(String content) throws Exception {
        Path next = dir.resolve("deny.txt.next");
        Files.writeString(next, content);
        Files.move(next, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
