package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.Problem;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login flood against a gateway with one password-hashing worker and a queue of two, hashing with the
 * default (OWASP, deliberately slow) Argon2id parameters: logins beyond the queue are turned away at once with
 * 503 and {@code Retry-After}, nothing fails with 500, and proxied traffic keeps flowing meanwhile.
 */
class LoginFloodTest {

    static final String PASSWORD = "sEcReT-flood-passphrase-2024";
    private static final int LOGINS = 20;
    private static final String EMAIL = "flood-" + UUID.randomUUID() + "@example.com";

    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway gateway;
    private static AuthClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request ->
                request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(AuthFlowTest.config(AuthConfig.builder().hashWorkers(1).hashQueue(2).build(),
                upstream.actualPort()), GatewayOptions.defaults().withClock(new FakeClock()).withEventLoops(2));
        client = new AuthClient(gateway);
        // Outside the test's time bound: one slow hash, and a first pass through the proxy and the login endpoint
        // (a refused input costs no hash) so class loading does not count against the flood.
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        assertThat(identity.createUser(EMAIL, PASSWORD, Set.of(), Set.of()).toCompletableFuture().join())
                .isInstanceOf(Identity.CreateOutcome.Created.class);
        try {
            assertThat(client.send("GET", "/api/health").statusCode()).isEqualTo(200);
            assertThat(client.post("/auth/login", Map.of("email", EMAIL)).statusCode()).isEqualTo(400);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void loginsBeyondTheHashingQueueGet503WithRetryAfterWhileProxyingGoesOn() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            // Half right, half unknown accounts (which cost the same dummy hash); distinct unknown emails keep
            // every (account, ip) pair under the lockout threshold.
            Map<String, String> body = i % 2 == 0 ? Map.of("email", EMAIL, "password", PASSWORD)
                    : Map.of("email", "nobody-" + i + "-" + UUID.randomUUID() + "@example.com", "password", PASSWORD);
            flood.add(AuthClient.HTTP.sendAsync(HttpRequest.newBuilder(client.uri("/auth/login"))
                    .timeout(Duration.ofSeconds(8)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(AuthClient.JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        long before = System.nanoTime();
        HttpResponse<String> proxied = client.send("GET", "/api/health");
        long proxiedMillis = Duration.ofNanos(System.nanoTime() - before).toMillis();
        long stillHashing = flood.stream().filter(login -> !login.isDone()).count();

        assertThat(proxied.statusCode()).as("a public route during the flood").isEqualTo(200);
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> login : flood) {
            HttpResponse<String> response = login.get(8, TimeUnit.SECONDS);
            statuses.merge(response.statusCode(), 1, Integer::sum);
            assertThat(response.statusCode()).as(response.body()).isIn(200, 401, 503);
            if (response.statusCode() == 503) {
                assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
                assertThat(AuthClient.json(response).get("type").asText())
                        .isEqualTo("urn:bulwark:problem:auth-busy");
            }
            if (response.statusCode() == 200) {
                JsonNode tokens = AuthClient.json(response);
                assertThat(tokens.get("accessToken").asText()).isNotBlank();
            }
        }
        System.out.println("[bulwark] login flood of " + LOGINS + " with 1 hashing worker and a queue of 2: "
                + statuses + "; a proxied request took " + proxiedMillis + " ms with " + stillHashing
                + " logins still in flight");

        assertThat(statuses).as("some logins are turned away").containsKey(503);
        assertThat(statuses.getOrDefault(200, 0) + statuses.getOrDefault(401, 0))
                .as("the logins that got a worker are answered").isGreaterThanOrEqualTo(1);
        assertThat(client.login(EMAIL, PASSWORD).get("accessToken").asText())
                .as("once the flood is over, logins work again").isNotBlank();
    }
}
