package dev.bulwark.gateway;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Shared test setup. Every secret a gateway test sends contains the marker {@code sEcReT-}, so that
 * {@code LogRedactionAuditIT} can prove none of them reached any log.
 */
final class GatewayTestSupport {

    static final String BEARER = "Bearer sEcReT-bearer-token-0123456789";
    static final String COOKIE = "session=sEcReT-session-cookie-abcdef";
    static final String API_KEY = "sEcReT-api-key-98765";
    static final String SIGNATURE = "sha256=sEcReT-signature-5f2b";
    static final String SECRET_QUERY = "token=sEcReT-query-token-1&access_token=sEcReT-query-token-2";

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayTestSupport() {
    }

    /** A configuration listening on an ephemeral loopback port with one upstream named {@code backend}. */
    static BulwarkConfig.Builder config(TestUpstream upstream, ServerConfig.Builder server) {
        return BulwarkConfig.builder()
                .server(server.host("127.0.0.1").port(0))
                .upstream("backend", UpstreamConfig.builder().url(upstream.url())
                        .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)));
    }

    static ServerConfig.Builder server() {
        return ServerConfig.builder().shutdownTimeout(Duration.ofSeconds(5));
    }

    /** @return a request carrying every kind of secret the gateway must never log */
    static HttpRequest.Builder withSecrets(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", BEARER)
                .header("Cookie", COOKIE)
                .header("X-Api-Key", API_KEY)
                .header("X-Hub-Signature-256", SIGNATURE)
                .header("User-Agent", "bulwark-tests");
    }

    static HttpResponse<String> get(Gateway gateway, String pathAndQuery) throws IOException, InterruptedException {
        return CLIENT.send(withSecrets(gateway.baseUri().resolve(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The raw request head used with {@link RawHttp}, carrying the same secrets. */
    static String rawGet(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + BEARER + "\r\nCookie: "
                + COOKIE + "\r\nX-Api-Key: " + API_KEY + "\r\n\r\n";
    }
}
