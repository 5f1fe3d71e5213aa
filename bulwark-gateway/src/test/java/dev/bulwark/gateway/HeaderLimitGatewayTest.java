package dev.bulwark.gateway;

import dev.bulwark.core.config.RouteConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code server.maxHeaderCount} through a real gateway: every field counts, so one name repeated is no way
 * around the limit.
 */
class HeaderLimitGatewayTest {

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server().maxHeaderCount(10))
                .route(RouteConfig.builder("open").path("/**").upstream("backend"))
                .build(), GatewayOptions.defaults().withEventLoops(1));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** Host, User-Agent and Content-Length come from the client; {@code tags} more fields of one name. */
    private static HttpResponse<String> getWithTags(int tags) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.baseUri().resolve("/tags"));
        for (int i = 0; i < tags; i++) {
            request.header("X-Tag", "t" + i);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneNameRepeatedPastTheLimitIsRefused() throws Exception {
        HttpResponse<String> response = getWithTags(12);

        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void fieldsWithinTheLimitPass() throws Exception {
        HttpResponse<String> response = getWithTags(5);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.next().headers().get("x-tag")).hasSize(5);
    }
}
