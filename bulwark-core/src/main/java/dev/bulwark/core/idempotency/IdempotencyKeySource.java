package dev.bulwark.core.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.api.Headers;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a request's idempotency key comes from: a header ({@code webhook-id}, {@code Idempotency-Key}) or a
 * JSON path into the verified body ({@code $.update_id}).
 *
 * <p>Compiled once from configuration; immutable and thread-safe. Extraction never throws: a missing header,
 * a body that is not JSON, a path that selects nothing, or a key longer than {@link #MAX_KEY_LENGTH} all give
 * an empty result, and the caller decides what that means (forward without de-duplication for webhooks).
 */
public sealed interface IdempotencyKeySource {

    /** Longer keys are not trusted to be ids; callers hash keys before storing them anyway. */
    int MAX_KEY_LENGTH = 256;

    /**
     * @param headers the request headers
     * @param body    the complete request body
     * @return the key, when the request carries one
     */
    Optional<String> extract(Headers headers, byte[] body);

    /**
     * Compiles a key source from its configuration text: a value starting with {@code $} is a JSON path,
     * anything else a header name.
     *
     * @throws IllegalArgumentException naming the text when it is neither a valid path nor a header name
     */
    static IdempotencyKeySource parse(String spec) {
        if (spec.startsWith("$")) {
            return new JsonBody(JsonPath.compile(spec));
        }
        if (!Header.TOKEN.matcher(spec).matches()) {
            throw new IllegalArgumentException(
                    "idempotency key must be a header name or a json path starting with $: " + spec);
        }
        return new Header(spec);
    }

    private static Optional<String> bounded(String key) {
        return key.isEmpty() || key.length() > MAX_KEY_LENGTH ? Optional.empty() : Optional.of(key);
    }

    /**
     * The key is the single value of a header.
     *
     * @param name the header name
     */
    record Header(String name) implements IdempotencyKeySource {

        static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

        @Override
        public Optional<String> extract(Headers headers, byte[] body) {
            var values = headers.getAll(name);
            // Two copies of the key header are ambiguous; treating them as "no key" never merges requests.
            return values.size() == 1 ? bounded(values.get(0).strip()) : Optional.empty();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The key is a scalar selected from the JSON body.
     *
     * @param path the compiled path
     */
    record JsonBody(JsonPath path) implements IdempotencyKeySource {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public Optional<String> extract(Headers headers, byte[] body) {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                return Optional.empty();
            }
            return root == null ? Optional.empty() : path.selectScalar(root).flatMap(IdempotencyKeySource::bounded);
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
