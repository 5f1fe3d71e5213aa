package dev.bulwark.gateway.auth;

import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.gateway.demo.Demo;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 001's permission matrix, as the demo configuration encodes it, checked cell by cell through a real
 * gateway: an allowed request reaches the backend, a denied one gets a 403 problem and never does.
 */
class PermissionMatrixTest {

    private static final String PASSWORD = "sEcReT-matrix-passphrase-2024";
    private static final BlockingQueue<String> reached = new LinkedBlockingQueue<>();
    private static final Map<String, String> tokens = new HashMap<>();
    private static Vertx vertx;
    private static Gateway gateway;
    private static AuthClient client;

    @TempDir
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer backend = vertx.createHttpServer().requestHandler(request -> {
            reached.add(request.method() + " " + request.path());
            request.response().putHeader("Content-Type", "application/json").end("{}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(Demo.config(0, backend.actualPort(), data, name -> null),
                GatewayOptions.defaults().withEventLoops(1));
        client = new AuthClient(gateway);
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        for (String role : new String[] {"ADMIN", "MERCHANT", "MEMBER"}) {
            String email = role.toLowerCase() + "@shop.test";
            identity.createUser(email, PASSWORD, Set.of(role), Set.of()).toCompletableFuture().join();
            tokens.put(role, client.login(email, PASSWORD).get("accessToken").asText());
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void drain() {
        reached.clear();
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource({
            "ADMIN, GET, products, allowed", "ADMIN, GET, orders, allowed", "ADMIN, GET, analytics, allowed",
            "ADMIN, GET, users, allowed", "ADMIN, GET, settings, allowed",
            "MERCHANT, GET, products, allowed", "MERCHANT, GET, orders, allowed",
            "MERCHANT, GET, analytics, allowed", "MERCHANT, GET, users, denied", "MERCHANT, GET, settings, allowed",
            "MEMBER, GET, products, denied", "MEMBER, GET, orders, denied", "MEMBER, GET, analytics, allowed",
            "MEMBER, GET, users, denied", "MEMBER, GET, settings, denied",
            // the method picks the action: MEMBER may read analytics, not write it
            "MEMBER, POST, analytics, denied", "MERCHANT, DELETE, orders, allowed", "MERCHANT, PATCH, users, denied",
            "ADMIN, DELETE, users, allowed",
    })
    void everyCellOfTheMatrixHoldsThroughTheGateway(String role, String method, String resource, String expected)
            throws Exception {
        HttpResponse<String> response = client.send(method, "/api/" + resource + "/42",
                "Authorization", "Bearer " + tokens.get(role));

        if (expected.equals("allowed")) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(reached.poll(5, TimeUnit.SECONDS)).isEqualTo(method + " /api/" + resource + "/42");
        } else {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("urn:bulwark:problem:permission-missing")
                    .contains(resource + ":").doesNotContain(role);
            assertThat(reached).as("a denied request reached the backend").isEmpty();
        }
    }
}
