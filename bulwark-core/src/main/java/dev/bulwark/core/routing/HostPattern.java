package dev.bulwark.core.routing;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A route host pattern: an exact name, or {@code *.example.com} for any subdomain (at any depth) but not the
 * apex. Case-insensitive; immutable and thread-safe.
 */
final class HostPattern {

    private static final Pattern SYNTAX = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+]");

    private final String exact;
    private final String suffix;

    private HostPattern(String exact, String suffix) {
        this.exact = exact;
        this.suffix = suffix;
    }

    /** @throws IllegalArgumentException when {@code pattern} is neither a host name nor {@code *.domain} */
    static HostPattern parse(String pattern) {
        String lower = pattern.toLowerCase(Locale.ROOT);
        if (!SYNTAX.matcher(lower).matches()) {
            throw new IllegalArgumentException('"' + pattern + "\" is not a host pattern"
                    + " (expected a host name such as api.example.com, or *.example.com)");
        }
        return lower.startsWith("*.") ? new HostPattern(null, lower.substring(1)) : new HostPattern(lower, null);
    }

    /** @param host lower case, without port or trailing dot */
    boolean matches(String host) {
        if (exact != null) {
            return exact.equals(host);
        }
        return host.length() > suffix.length() && host.endsWith(suffix);
    }

    /** @return {@code host} lower-cased, without port and trailing dot; {@code ""} when null */
    static String canonical(String host) {
        if (host == null) {
            return "";
        }
        String h = host;
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && h.indexOf(']') < colon && (h.startsWith("[") || h.indexOf(':') == colon)) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
