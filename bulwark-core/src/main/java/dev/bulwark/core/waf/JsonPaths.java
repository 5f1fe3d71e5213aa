package dev.bulwark.core.waf;

/**
 * The JSON paths WAF exclusions name: {@code $}, then {@code .key} per object level and {@code [*]} per array level
 * ({@code $.items[*].note}). Array indexes in configuration ({@code [0]}) mean any element, as bodies are matched by
 * shape, not position. Stateless.
 */
final class JsonPaths {

    private JsonPaths() {
    }

    /**
     * @param path a path as configured
     * @return its canonical form (indexes written {@code [*]}), or {@code null} when it is not a path of that shape
     */
    static String normalize(String path) {
        if (!path.startsWith("$")) {
            return null;
        }
        StringBuilder out = new StringBuilder("$");
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                if (end == i + 1) {
                    return null;
                }
                out.append(path, i, end);
                i = end;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                String index = path.substring(i + 1, close);
                if (!index.equals("*") && !index.chars().allMatch(Character::isDigit) || index.isEmpty()) {
                    return null;
                }
                out.append("[*]");
                i = close + 1;
            } else {
                return null;
            }
        }
        return out.toString();
    }
}
