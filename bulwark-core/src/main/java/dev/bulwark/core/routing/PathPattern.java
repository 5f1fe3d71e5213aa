package dev.bulwark.core.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compiled route path pattern: literal segments (matched case-insensitively), {@code {name}} and {@code *}
 * for exactly one segment, a trailing {@code **} for any rest including nothing. A trailing slash is not
 * significant on either side. Matching walks the string without allocating; immutable and thread-safe.
 */
final class PathPattern {

    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private enum Kind { LITERAL, PARAMETER, ONE, REST }

    private final Kind[] kinds;
    private final String[] values;
    private final boolean hasParameters;

    private PathPattern(Kind[] kinds, String[] values) {
        this.kinds = kinds;
        this.values = values;
        boolean parameters = false;
        for (Kind kind : kinds) {
            parameters |= kind == Kind.PARAMETER;
        }
        this.hasParameters = parameters;
    }

    /**
     * @throws IllegalArgumentException naming the pattern and the rule it breaks, e.g.
     *                                  {@code "api/**" must start with /}
     */
    static PathPattern parse(String pattern) {
        String shown = '"' + pattern + '"';
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException(shown + " must start with /");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '%' || c == '\\' || c == ';' || c == '?' || c == '#') {
                throw new IllegalArgumentException(shown + " must not contain control characters, %, \\, ;, ? or #"
                        + " (patterns match the decoded path)");
            }
        }
        String body = pattern.length() > 1 && pattern.endsWith("/")
                ? pattern.substring(1, pattern.length() - 1) : pattern.substring(1);
        if (body.isEmpty()) {
            return new PathPattern(new Kind[0], new String[0]);
        }
        String[] segments = body.split("/", -1);
        List<Kind> kinds = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(shown + " has an empty segment (//)");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(shown + " must not contain . or .. segments"
                        + " (paths are normalized before matching)");
            }
            if (segment.equals("**")) {
                if (i != segments.length - 1) {
                    throw new IllegalArgumentException(shown + " may use ** only as the last segment");
                }
                kinds.add(Kind.REST);
                values.add(null);
            } else if (segment.equals("*")) {
                kinds.add(Kind.ONE);
                values.add(null);
            } else if (segment.startsWith("{") && segment.endsWith("}")) {
                String name = segment.substring(1, segment.length() - 1);
                if (!PARAMETER_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException(shown + " has an invalid parameter name \"" + name
                            + "\" (expected letters, digits and _, not starting with a digit)");
                }
                if (!names.add(name)) {
                    throw new IllegalArgumentException(shown + " repeats parameter \"" + name + "\"");
                }
                kinds.add(Kind.PARAMETER);
                values.add(name);
            } else if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0 || segment.indexOf('*') >= 0) {
                throw new IllegalArgumentException(shown + " has segment \"" + segment
                        + "\"; a segment must be a literal, {name}, * or **");
            } else {
                kinds.add(Kind.LITERAL);
                values.add(segment.toLowerCase(Locale.ROOT));
            }
        }
        return new PathPattern(kinds.toArray(Kind[]::new), values.toArray(String[]::new));
    }

    /** @return the names of the {@code {name}} segments */
    Set<String> parameterNames() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Kind.PARAMETER) {
                names.add(values[i]);
            }
        }
        return names;
    }

    /** @param matchPath a lower-cased normalized path ({@link NormalizedPath#matchPath()}) */
    boolean matches(String matchPath) {
        int end = matchPath.length();
        if (end > 1 && matchPath.charAt(end - 1) == '/') {
            end--;
        }
        int pos = 1;
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Kind.REST) {
                return true;
            }
            if (pos >= end) {
                return false;
            }
            int segmentEnd = matchPath.indexOf('/', pos);
            if (segmentEnd < 0 || segmentEnd > end) {
                segmentEnd = end;
            }
            if (kinds[i] == Kind.LITERAL) {
                String literal = values[i];
                if (segmentEnd - pos != literal.length() || !matchPath.startsWith(literal, pos)) {
                    return false;
                }
            }
            pos = segmentEnd + 1;
        }
        return pos >= end;
    }

    /** @param path the case-kept normalized path that {@link #matches} accepted (in its lower-cased form) */
    Map<String, String> parameters(String path) {
        if (!hasParameters) {
            return Map.of();
        }
        Map<String, String> parameters = new HashMap<>();
        int pos = 1;
        for (int i = 0; i < kinds.length && kinds[i] != Kind.REST; i++) {
            int segmentEnd = path.indexOf('/', pos);
            if (segmentEnd < 0) {
                segmentEnd = path.length();
            }
            if (kinds[i] == Kind.PARAMETER) {
                parameters.put(values[i], path.substring(pos, segmentEnd));
            }
            pos = segmentEnd + 1;
        }
        return Collections.unmodifiableMap(parameters);
    }
}
