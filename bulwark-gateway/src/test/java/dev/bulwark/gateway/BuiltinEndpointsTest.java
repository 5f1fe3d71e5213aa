package dev.bulwark.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static dev.bulwark.gateway.GatewayTestSupport.SECRET_QUERY;
import static dev.bulwark.gateway.GatewayTestSupport.get;
import static dev.bulwark.gateway.GatewayTestSupport.withSecrets;
import static org.assertj.core.api.Assertions.assertThat;

class BuiltinEndpointsTest {

    private TestUpstream upstream;
    private Gateway gateway;
    private final ListAppender<ILoggingEvent> accessLines = new ListAppender<>();

    @BeforeEach
    void start() {
        upstream = new TestUpstream();
        accessLines.start();
        ((Logger) LoggerFactory.getLogger("bulwark.access")).addAppender(accessLines);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("bulwark.access")).detachAppender(accessLines);
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private void startGateway(Integer adminPort, String secondUpstreamUrl) {
        var config = GatewayTestSupport.config(upstream, GatewayTestSupport.server().adminPort(adminPort))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend"));
        if (secondUpstreamUrl != null) {
            config.upstream("billing", UpstreamConfig.builder().url(secondUpstreamUrl)
                    .connectTimeout(Duration.ofMillis(500)));
        }
        gateway = Gateway.start(config.build(), GatewayOptions.defaults().withEventLoops(1));
    }

    @Test
    void livenessAnswersUpWithRequestIdAndSecurityHeaders() throws Exception {
        startGateway(null, null);

        HttpResponse<String> response = get(gateway, "/_bulwark/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void readinessIsUpWhenEveryUpstreamAcceptsConnections() throws Exception {
        startGateway(null, null);

        HttpResponse<String> response = get(gateway, "/_bulwark/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"backend\":\"UP\"").contains("\"storage\":\"UP\"");
    }

    @Test
    void readinessIs503NamingTheUpstreamThatIsDown() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        startGateway(null, "http://127.0.0.1:" + deadPort);

        HttpResponse<String> response = get(gateway, "/_bulwark/health/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"backend\":\"UP\"").contains("\"billing\":\"DOWN\"");
    }

    @Test
    void metricsExposeTheFourMetricFamiliesAfterTraffic() throws Exception {
        startGateway(null, null);
        get(gateway, "/api/ok?" + SECRET_QUERY);
        get(gateway, "/missing?" + SECRET_QUERY);

        HttpResponse<String> response = get(gateway, "/_bulwark/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("http_requests_total{method=\"GET\",route=\"api\",status=\"200\"}")
                .contains("http_request_duration_seconds_bucket")
                .contains("http_errors_total{reason=\"ROUTE_NOT_FOUND\",route=\"unmatched\"}")
                .contains("security_events_total{event_type=\"ROUTE_NOT_FOUND\",severity=\"low\",source=\"routing\"}")
                .doesNotContain("sEcReT-");
    }

    @Test
    void adminPortTakesTheBuiltinsOffTheMainPort() throws Exception {
        int adminPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            adminPort = socket.getLocalPort();
        }
        // With a fallback upstream, which takes every request no route matches, but not these.
        gateway = Gateway.start(GatewayTestSupport.config(upstream,
                        GatewayTestSupport.server().adminPort(adminPort).fallbackUpstream("backend"))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")).build(),
                GatewayOptions.defaults().withEventLoops(1));

        assertThat(get(gateway, "/_bulwark/health/live").statusCode()).isEqualTo(404);
        assertThat(get(gateway, "/_bulwark/metrics").statusCode()).isEqualTo(404);
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(get(gateway, "/elsewhere").statusCode()).isEqualTo(200);
        assertThat(upstream.next().path()).isEqualTo("/elsewhere");
        HttpResponse<String> admin = CLIENT.send(withSecrets(
                URI.create("http://127.0.0.1:" + gateway.adminPort() + "/_bulwark/health/live")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(admin.statusCode()).isEqualTo(200);
    }

    @Test
    void accessLogWritesOneJsonLinePerRequestWithoutQueryOrCredentials() throws Exception {
        startGateway(null, null);

        HttpResponse<String> response = get(gateway, "/api/orders/7?" + SECRET_QUERY);

        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        String line = awaitLine(requestId);
        assertThat(line).startsWith("{").endsWith("}")
                .contains("\"routeId\":\"api\"", "\"method\":\"GET\"", "\"path\":\"/api/orders/7\"",
                        "\"status\":200", "\"clientIp\":\"127.0.0.1\"", "\"userAgent\":\"bulwark-tests\"",
                        "\"durationMs\":", "\"bytesIn\":", "\"bytesOut\":", "\"time\":")
                .doesNotContain("sEcReT-", "token=", "Bearer");
    }

    private String awaitLine(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (ILoggingEvent event : accessLines.list.toArray(ILoggingEvent[]::new)) {
                if (event.getFormattedMessage().contains(requestId)) {
                    return event.getFormattedMessage();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no access-log line for request " + requestId);
    }
}
