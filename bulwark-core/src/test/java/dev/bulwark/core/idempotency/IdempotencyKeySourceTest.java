package dev.bulwark.core.idempotency;

import dev.bulwark.api.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeySourceTest {

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDollarSpecIsAJsonPathIntoTheBody() {
        IdempotencyKeySource source = IdempotencyKeySource.parse("$.update_id");

        assertThat(source).isInstanceOf(IdempotencyKeySource.JsonBody.class);
        assertThat(source.extract(Headers.create(), body("{\"update_id\":42,\"message\":{}}"))).hasValue("42");
    }

    @Test
    void anythingElseIsAHeaderName() {
        IdempotencyKeySource source = IdempotencyKeySource.parse("webhook-id");

        assertThat(source.extract(Headers.create().set("Webhook-Id", "msg_1"), new byte[0])).hasValue("msg_1");
        assertThat(source.extract(Headers.create(), new byte[0])).isEmpty();
    }

    @Test
    void aRepeatedKeyHeaderGivesNoKey() {
        Headers headers = Headers.create().add("webhook-id", "a").add("webhook-id", "b");

        assertThat(IdempotencyKeySource.parse("webhook-id").extract(headers, new byte[0])).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonGivesNoKey() {
        IdempotencyKeySource source = IdempotencyKeySource.parse("$.update_id");

        assertThat(source.extract(Headers.create(), body("update_id=42"))).isEmpty();
        assertThat(source.extract(Headers.create(), body("{\"update_id\":"))).isEmpty();
        assertThat(source.extract(Headers.create(), new byte[0])).isEmpty();
    }

    @Test
    void anOversizedKeyGivesNoKey() {
        String huge = "x".repeat(IdempotencyKeySource.MAX_KEY_LENGTH + 1);

        assertThat(IdempotencyKeySource.parse("$.id").extract(Headers.create(), body("{\"id\":\"" + huge + "\"}")))
                .isEmpty();
        assertThat(IdempotencyKeySource.parse("Idempotency-Key")
                .extract(Headers.create().set("Idempotency-Key", huge), new byte[0])).isEmpty();
    }

    @Test
    void aSpecThatIsNeitherIsRefused() {
        assertThatThrownBy(() -> IdempotencyKeySource.parse("my key"))
                .hasMessage("idempotency key must be a header name or a json path starting with $: my key");
        assertThatThrownBy(() -> IdempotencyKeySource.parse("$update_id"))
                .hasMessage("json path has an unexpected 'u' at 1: $update_id");
    }
}
