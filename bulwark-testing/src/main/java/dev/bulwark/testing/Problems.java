package dev.bulwark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEvent;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on refusals: the RFC 9457 body a client sees and the one security event an operator sees.
 * Stateless and thread-safe.
 */
public final class Problems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    /**
     * @return the parsed JSON body of {@code response}
     * @throws AssertionError when the body is streamed, missing or not JSON
     */
    public static JsonNode body(Response response) {
        assertThat(response.body()).as("in-memory response body").isNotNull();
        try {
            return JSON.readTree(response.body());
        } catch (IOException notJson) {
            throw new AssertionError("response body is not JSON: " + new String(response.body()), notJson);
        }
    }

    /**
     * Asserts that {@code response} is the refusal for {@code reason}: its status, the problem content type,
     * the body's {@code type}, {@code title} and {@code status}, that the body carries the exchange's request
     * id (when it has one), and that exactly one security event with that reason was emitted.
     *
     * @return the parsed problem body, for further assertions on {@code detail}
     */
    public static JsonNode assertRefused(Response response, TestExchange exchange, Reason reason) {
        assertThat(response.status()).as("status").isEqualTo(reason.status());
        assertThat(response.headers().get("Content-Type")).as("Content-Type").isEqualTo(Problem.CONTENT_TYPE);
        JsonNode body = body(response);
        assertThat(body.path("type").asText()).as("problem type").isEqualTo(reason.type());
        assertThat(body.path("title").asText()).as("problem title").isEqualTo(reason.title());
        assertThat(body.path("status").asInt()).as("problem status").isEqualTo(reason.status());
        assertThat(body.has("stackTrace") || body.has("trace")).as("stack trace in body").isFalse();
        if (exchange.requestId() != null) {
            assertThat(body.path("requestId").asText()).as("problem requestId").isEqualTo(exchange.requestId());
        }
        assertThat(exchange.recordedEvents().reasons()).as("security events").containsExactly(reason);
        SecurityEvent event = exchange.recordedEvents().single();
        assertThat(event.routeId()).as("event route").isEqualTo(exchange.routeId());
        assertThat(event.requestId()).as("event request id").isEqualTo(exchange.requestId());
        return body;
    }
}
