package dev.bulwark.core.authz;

import java.util.regex.Pattern;

/**
 * A granted permission pattern, {@code resource:action} style with {@code :}-separated segments:
 * {@code orders:read} grants exactly that; {@code orders:*} any action on orders; {@code *} everything;
 * {@code *:read} reading anything. Matching is exact and case-sensitive. Immutable.
 */
final class PermissionPattern {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}|\\*|\\{action}");

    private final String[] segments;

    private PermissionPattern(String pattern) {
        this.segments = pattern.split(":", -1);
    }

    static PermissionPattern parse(String pattern) {
        String problem = problem(pattern, false);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new PermissionPattern(pattern);
    }

    /** @return the grant, or {@code null} when {@code pattern} is not a valid one */
    static PermissionPattern tryParse(String pattern) {
        return problem(pattern, false) == null ? new PermissionPattern(pattern) : null;
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * @param template whether {@code {action}} may appear (in a route's requirement, not in a grant)
     * @return why {@code pattern} is not valid, or {@code null}
     */
    static String problem(String pattern, boolean template) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > 200) {
            return "\"" + pattern + "\" is not a permission (expected e.g. orders:read or orders:*)";
        }
        for (String segment : pattern.split(":", -1)) {
            if (!SEGMENT.matcher(segment).matches() || (!template && segment.equals("{action}"))) {
                return "\"" + pattern + "\" is not a permission (segments of letters, digits, '_', '-', '.' or *"
                        + (template ? ", or {action}" : "") + ", separated by ':')";
            }
        }
        return null;
    }

    /** @return whether this grant covers the concrete permission {@code wanted} */
    boolean grants(String[] wanted) {
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].equals("*") && i == segments.length - 1) {
                return wanted.length >= segments.length;
            }
            if (i >= wanted.length || !(segments[i].equals("*") || segments[i].equals(wanted[i]))) {
                return false;
            }
        }
        return segments.length == wanted.length;
    }
}
