package dev.bulwark.core.config;

import java.time.Duration;

/**
 * One thing wrong with a configuration: where (a key path such as {@code routes[2].match.path} or
 * {@code upstreams.backend.url}) and what (naming the bad value and what was expected).
 *
 * @param path    the key path; empty when the problem concerns the whole file (e.g. a syntax error)
 * @param message a lowercase sentence naming the bad value and the expectation
 */
public record ConfigProblem(String path, String message) {

    /** @return {@code path: message}, e.g. {@code routes[2].match.path: "api/**" must start with /} */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }

    /**
     * Checks a {@code Retry-After} setting: present, positive and whole seconds, since the header carries seconds.
     *
     * @param value the configured duration, {@code null} when missing
     * @param path  its key path, e.g. {@code loadShedding.retryAfter}
     * @return the problem, or {@code null} when the value is usable
     */
    public static ConfigProblem retryAfter(Duration value, String path) {
        if (value == null) {
            return new ConfigProblem(path, "is required (expected a duration such as 5s)");
        }
        if (value.isNegative() || value.isZero()) {
            return new ConfigProblem(path, value.toMillis() + "ms must be positive");
        }
        if (value.toMillis() % 1000 != 0) {
            return new ConfigProblem(path, value.toMillis()
                    + "ms is not whole seconds (Retry-After is sent in seconds)");
        }
        return null;
    }

    /**
     * Shows a bad value inside a message: in double quotes, cut to 80 characters, control characters
     * escaped, so a message always stays on one line.
     */
    public static String quote(String value) {
        String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
