package dev.bulwark.gateway;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.StorageConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code storage: {kind: h2}}: webhook delivery ids and Idempotency-Keys kept in a file survive a gateway restart. */
class EmbeddedStorageTest {

    private static final String TOKEN = "sEcReT-storage_test_token_0123";

    @TempDir
    Path dir;

    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = new TestUpstream();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private BulwarkConfig config(Path data) {
        String yaml = """
                server: { host: 127.0.0.1, port: 0 }
                storage:
                  kind: h2
                  path: ${DATA}
                upstreams: { app: { url: "%s" } }
                routes:
                  - id: telegram
                    match: { path: "/hooks/telegram", methods: [POST] }
                    upstream: app
                    webhook: { preset: telegram, secrets: ["${TOKEN}"] }
                  - id: orders
                    match: { path: "/orders", methods: [POST] }
                    upstream: app
                    idempotency: { ttl: 1h }
                """.formatted(upstream.url());
        return ConfigLoader.parse(yaml, "bulwark.yaml", name -> switch (name) {
            case "DATA" -> data.toString();
            case "TOKEN" -> TOKEN;
            default -> null;
        });
    }

    private static HttpResponse<String> post(Gateway gateway, String path, String header, String value, String body)
            throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void yamlSelectsTheEmbeddedDatabaseInTheGivenDirectory() {
        assertThat(config(dir.resolve("data")).storage()).isEqualTo(StorageConfig.h2(dir.resolve("data")));
    }

    @Test
    void duplicateDeliveryIsStillRecognisedAfterARestartOnTheSameDirectory() throws Exception {
        Path data = dir.resolve("data");
        String update = "{\"update_id\":7001,\"message\":{\"text\":\"hello\"}}";
        HttpResponse<String> before;
        try (Gateway gateway = Gateway.start(config(data))) {
            before = post(gateway, "/hooks/telegram", "X-Telegram-Bot-Api-Secret-Token", TOKEN, update);
        }
        upstream.next();

        HttpResponse<String> after;
        try (Gateway restarted = Gateway.start(config(data))) {
            after = post(restarted, "/hooks/telegram", "X-Telegram-Bot-Api-Secret-Token", TOKEN, update);
        }

        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.body()).doesNotContain("duplicate_ignored");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("\"status\":\"duplicate_ignored\"");
        assertThat(upstream.nothingReceived()).as("the backend saw the delivery once").isTrue();
        assertThat(data.resolve("bulwark.mv.db")).isRegularFile();
    }

    @Test
    void storedIdempotentResponseIsReplayedAfterARestart() throws Exception {
        Path data = dir.resolve("data");
        String order = "{\"sku\":\"A-1\",\"qty\":2}";
        HttpResponse<String> first;
        try (Gateway gateway = Gateway.start(config(data))) {
            first = post(gateway, "/orders", "Idempotency-Key", "order-42", order);
        }
        upstream.next();

        HttpResponse<String> repeat;
        try (Gateway restarted = Gateway.start(config(data))) {
            repeat = post(restarted, "/orders", "Idempotency-Key", "order-42", order);
        }

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void anotherGatewayStartsWithAnEmptyDatabaseInAnotherDirectory() throws Exception {
        String update = "{\"update_id\":7002}";
        try (Gateway gateway = Gateway.start(config(dir.resolve("one")))) {
            post(gateway, "/hooks/telegram", "X-Telegram-Bot-Api-Secret-Token", TOKEN, update);
        }
        upstream.next();

        HttpResponse<String> elsewhere;
        try (Gateway other = Gateway.start(config(dir.resolve("two")))) {
            elsewhere = post(other, "/hooks/telegram", "X-Telegram-Bot-Api-Secret-Token", TOKEN, update);
        }

        assertThat(elsewhere.body()).doesNotContain("duplicate_ignored");
        upstream.next();
    }
}
