package dev.bulwark.core.waf;

import dev.bulwark.core.config.ConfigProblem;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A route's {@code waf.exclude} entries, compiled: which parameters of which target are never inspected.
 * Immutable and thread-safe.
 */
final class Exclusions {

    private static final String EXPECTED = " (expected path, query:NAME, header:NAME, body:FIELD or body:$.json.path)";

    private final boolean path;
    private final Set<String> query = new HashSet<>();
    private final Set<String> headers = new HashSet<>();
    private final Set<String> body = new HashSet<>();
    /** Levels of the deepest excluded JSON path ({@code $.items[*].note}: 3); -1 when none is excluded. */
    private final int deepestJsonPath;

    /** @param entries validated entries ({@link #problem} returned {@code null} for each) */
    Exclusions(List<String> entries) {
        boolean wholePath = false;
        int deepest = -1;
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            String target = colon < 0 ? entry : entry.substring(0, colon);
            String name = colon < 0 ? "" : entry.substring(colon + 1);
            switch (target) {
                case "path" -> wholePath = true;
                case "query" -> query.add(name);
                case "header" -> headers.add(name.toLowerCase(Locale.ROOT));
                default -> {
                    if (name.startsWith("$")) {
                        String json = JsonPaths.normalize(name);
                        body.add(json);
                        deepest = Math.max(deepest, (int) json.chars().filter(c -> c == '.' || c == '[').count());
                    } else {
                        body.add(name);
                    }
                }
            }
        }
        this.path = wholePath;
        this.deepestJsonPath = deepest;
    }

    /** @return why {@code entry} is not a valid exclusion, or {@code null} when it is */
    static String problem(String entry) {
        if (entry == null || entry.isBlank()) {
            return "is empty" + EXPECTED;
        }
        if (entry.equals("path")) {
            return null;
        }
        int colon = entry.indexOf(':');
        String target = colon < 0 ? entry : entry.substring(0, colon);
        String name = colon < 0 ? "" : entry.substring(colon + 1);
        if (!List.of("query", "header", "body").contains(target)) {
            return ConfigProblem.quote(entry) + " does not name a target" + EXPECTED;
        }
        if (name.isEmpty()) {
            return ConfigProblem.quote(entry) + " names no parameter" + EXPECTED;
        }
        if (target.equals("body") && name.startsWith("$") && JsonPaths.normalize(name) == null) {
            return ConfigProblem.quote(entry) + " is not a json path (expected $, then .key or [*] per level, e.g."
                    + " body:$.items[*].note)";
        }
        return null;
    }

    boolean path() {
        return path;
    }

    boolean query(String name) {
        return query.contains(name);
    }

    boolean header(String lowerCaseName) {
        return headers.contains(lowerCaseName);
    }

    /** @return whether a JSON value nested {@code depth} levels deep may be excluded at all */
    boolean mayExcludeJsonAt(int depth) {
        return depth <= deepestJsonPath;
    }

    /** @param name a form field name, or a JSON value's path as {@link JsonPaths} writes it */
    boolean body(String name) {
        return body.contains(name);
    }
}
