package dev.bulwark.gateway;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream spoken to over HTTP/2 ({@code http2: true}, h2c with prior knowledge): the path through Vert.x's
 * HTTP client, which HTTP/2 and TLS upstreams take (plain HTTP/1.1 ones take the gateway's own client).
 */
class Http2UpstreamTest {

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(BulwarkConfig.builder()
                .server(GatewayTestSupport.server().host("127.0.0.1").port(0))
                .upstream("h2", UpstreamConfig.builder().url(upstream.url()).http2(true)
                        .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)))
                .route(RouteConfig.builder("all").path("/**").upstream("h2"))
                .build(), GatewayOptions.defaults().withEventLoops(1));
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
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return GatewayTestSupport.CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(gateway.baseUri().resolve(path));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void requestGoesOverHttp2WithTheClientsFieldsAndTheForwardingFields() throws Exception {
        HttpResponse<String> response = send(request("/orders/7?page=2").header("Authorization", "Bearer abc")
                .header("X-Forwarded-For", "6.6.6.6").GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"path\":\"/orders/7\"");
        TestUpstream.Received received = upstream.next();
        assertThat(received.version()).isEqualTo("HTTP_2");
        assertThat(received.uri()).isEqualTo("/orders/7?page=2");
        assertThat(received.header("Authorization")).isEqualTo("Bearer abc");
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void bodiesOfDeclaredAndUnknownLengthArriveWhole() throws Exception {
        String body = "payload-".repeat(5_000);

        HttpResponse<String> declared = send(request("/upload").POST(HttpRequest.BodyPublishers.ofString(body)));
        TestUpstream.Received first = upstream.next();
        HttpResponse<String> streamed = send(request("/upload").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))));
        TestUpstream.Received second = upstream.next();

        assertThat(declared.statusCode()).isEqualTo(200);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(first.sha256()).isEqualTo(sha256(body));
        assertThat(second.sha256()).isEqualTo(sha256(body));
        assertThat(second.version()).isEqualTo("HTTP_2");
    }

    @Test
    void largeResponseBodyIsRelayedWholeAndUpstreamErrorsPassThrough() throws Exception {
        HttpResponse<byte[]> download = GatewayTestSupport.CLIENT.send(request("/download?bytes=300000")
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> failed = send(request("/fail").GET());

        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).hasSize(300_000);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).contains("backend failure");
    }
}
