package dev.bulwark.core.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bulwark.api.Exchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One admin request body: a JSON object whose fields are all known, read with duplicate keys and deep nesting
 * refused. Each accessor checks presence, type and size and throws {@link InvalidInput} naming the field, which
 * the endpoints turn into a 400 problem. Confined to the request that read it.
 */
final class JsonInput {

    static final String JSON = "application/json";
    /** The most entries a list field (roles, permissions, tenants) may hold. */
    static final int MAX_ITEMS = 100;
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build()).build();

    /** A body, field or parameter failed validation; the message names it and is safe to show. */
    static final class InvalidInput extends RuntimeException {
        InvalidInput(String message) {
            super(message, null, false, false);
        }
    }

    private final JsonNode body;

    private JsonInput(JsonNode body) {
        this.body = body;
    }

    /**
     * Reads the request body.
     *
     * @param fields the fields the body may hold; any other is refused
     * @return the body; fails with {@link InvalidInput} when it is not a JSON object of known fields sent as
     *     {@code application/json}, or with the host's {@code BodyTooLargeException} over the body limit
     */
    static CompletionStage<JsonInput> read(Exchange exchange, List<String> fields) {
        String type = exchange.requestHeaders().get("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
            return CompletableFuture.failedFuture(new InvalidInput("the body must be a JSON object sent as " + JSON));
        }
        return exchange.body().thenApply(bytes -> parse(bytes, fields));
    }

    /** @see #read */
    static JsonInput parse(byte[] bytes, List<String> fields) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidInput("the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInput("the body must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!fields.contains(field.getKey())) {
                // The name is not repeated: problem details and events never echo what a client sent.
                throw new InvalidInput("the body has an unknown field (expected only " + String.join(", ", fields)
                        + ")");
            }
        }
        return new JsonInput(node);
    }

    /** @return the string in {@code field}, 1 to {@code maxLength} characters */
    String text(String field, int maxLength) {
        String text = optionalText(field, maxLength);
        if (text == null) {
            throw new InvalidInput(field + ": is required");
        }
        return text;
    }

    /** @return the string in {@code field}, 1 to {@code maxLength} characters, or {@code null} when absent */
    String optionalText(String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInput(field + ": must be a string");
        }
        String text = value.textValue();
        if (text.isEmpty() || text.length() > maxLength) {
            throw new InvalidInput(field + ": must be 1 to " + maxLength + " characters");
        }
        return text;
    }

    /**
     * @param problem why one entry is not acceptable, or {@code null} when it is
     * @return the distinct strings of the list in {@code field} (at most {@link #MAX_ITEMS}), in order
     */
    Set<String> names(String field, Function<String, String> problem) {
        Set<String> names = optionalNames(field, problem);
        if (names == null) {
            throw new InvalidInput(field + ": is required");
        }
        return names;
    }

    /** @return like {@link #names}, or {@code null} when the field is absent */
    Set<String> optionalNames(String field, Function<String, String> problem) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.size() > MAX_ITEMS) {
            throw new InvalidInput(field + ": must be a list of at most " + MAX_ITEMS + " strings");
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                throw new InvalidInput(field + "[" + i + "]: must be a string");
            }
            String bad = problem.apply(item.textValue());
            if (bad != null) {
                throw new InvalidInput(field + "[" + i + "]: " + bad);
            }
            names.add(item.textValue());
        }
        return names;
    }

    /** @return the constant named (case-insensitively) by the string in {@code field} */
    <E extends Enum<E>> E choice(String field, Class<E> type) {
        String text = text(field, 64);
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
            names.add(constant.name());
        }
        throw new InvalidInput(field + ": must be one of " + String.join(", ", names));
    }
}
