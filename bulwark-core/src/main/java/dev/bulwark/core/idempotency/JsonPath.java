package dev.bulwark.core.idempotency;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tiny JSON path subset for pointing at one value in a document: {@code $}, then any number of
 * {@code .name}, {@code ['name']} and {@code [index]} steps, e.g. {@code $.entry[0].changes[0].value.messages[0].id}.
 * No wildcards, filters or recursive descent: an idempotency key is one value, found without searching.
 *
 * <p>Compiled once from configuration; immutable and thread-safe.
 */
public final class JsonPath {

    private static final int MAX_STEPS = 32;

    private sealed interface Step permits Field, Index {
    }

    private record Field(String name) implements Step {
    }

    private record Index(int index) implements Step {
    }

    private final String expression;
    private final List<Step> steps;

    private JsonPath(String expression, List<Step> steps) {
        this.expression = expression;
        this.steps = List.copyOf(steps);
    }

    /**
     * @param expression the path, e.g. {@code $.update_id}
     * @return the compiled path
     * @throws IllegalArgumentException naming the expression when it is outside the supported subset
     */
    public static JsonPath compile(String expression) {
        if (!expression.startsWith("$")) {
            throw new IllegalArgumentException("json path must start with $: " + expression);
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < expression.length() && isNameChar(expression.charAt(end))) {
                    end++;
                }
                if (end == i + 1) {
                    throw new IllegalArgumentException("json path has an empty name at " + i + ": " + expression);
                }
                steps.add(new Field(expression.substring(i + 1, end)));
                i = end;
            } else if (c == '[' && expression.startsWith("['", i)) {
                int close = expression.indexOf("']", i + 2);
                if (close < 0 || close == i + 2) {
                    throw new IllegalArgumentException("json path has an unclosed or empty ['name'] at " + i + ": "
                            + expression);
                }
                steps.add(new Field(expression.substring(i + 2, close)));
                i = close + 2;
            } else if (c == '[') {
                int close = expression.indexOf(']', i);
                String digits = close < 0 ? "" : expression.substring(i + 1, close);
                if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("json path index must be a non-negative integer at " + i
                            + ": " + expression);
                }
                steps.add(new Index(Integer.parseInt(digits)));
                i = close + 1;
            } else {
                throw new IllegalArgumentException("json path has an unexpected '" + c + "' at " + i + ": "
                        + expression);
            }
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("json path must select a value below the root: " + expression);
        }
        if (steps.size() > MAX_STEPS) {
            throw new IllegalArgumentException("json path must have at most " + MAX_STEPS + " steps: " + expression);
        }
        return new JsonPath(expression, steps);
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '$';
    }

    /**
     * @param root a parsed document
     * @return the selected value as text when it is a string, number or boolean; empty when any step is
     *     missing or the value is an object, an array or null
     */
    public Optional<String> selectScalar(JsonNode root) {
        return select(root).filter(node -> node.isValueNode() && !node.isNull()).map(JsonNode::asText);
    }

    /**
     * @param root a parsed document
     * @return the selected node, whatever its type (JSON {@code null} included); empty when any step is missing
     */
    public Optional<JsonNode> select(JsonNode root) {
        JsonNode node = root;
        for (Step step : steps) {
            if (node == null) {
                return Optional.empty();
            }
            node = switch (step) {
                case Field field -> node.isObject() ? node.get(field.name()) : null;
                case Index index -> node.isArray() ? node.get(index.index()) : null;
            };
        }
        return Optional.ofNullable(node);
    }

    @Override
    public String toString() {
        return expression;
    }
}
