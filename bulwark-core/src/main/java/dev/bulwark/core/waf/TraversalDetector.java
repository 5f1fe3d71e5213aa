package dev.bulwark.core.waf;

import java.util.Locale;

/**
 * Recognizes path traversal in one decoded parameter value: a {@code ..} path segment (between slashes or
 * backslashes, at either end of the value, or before a NUL), a NUL byte (which truncates file names in C-based
 * file APIs), or a well-known sensitive file named by absolute path ({@code /etc/passwd}, {@code /proc/self/},
 * {@code c:\windows\win.ini}, {@code boot.ini}). Encoded forms ({@code %2e%2e%2f}, {@code %252e}, overlong UTF-8
 * {@code %c0%ae}) are decoded before the value gets here; the overlong dot is recognized here as well, since it does
 * not decode to a dot in UTF-8.
 *
 * <p>libinjection has no traversal detector; this one is deliberately small. An ellipsis ({@code ...}) or a
 * version range ({@code 1..3}) is not a segment and passes; a relative link in a value ({@code ../docs}) is
 * flagged, and routes that take such values exclude the parameter. Stateless and thread-safe.
 */
final class TraversalDetector {

    private static final String[] SENSITIVE = {"/etc/passwd", "/etc/shadow", "/etc/hosts", "/etc/group",
        "/proc/self/", "/proc/version", "\\windows\\win.ini", "/windows/win.ini", "\\boot.ini", "/boot.ini",
        "\\system32\\", "/system32/", "web-inf/web.xml", "web-inf\\web.xml", "/.ssh/", "/.aws/credentials",
        "/.git/config", "/.env", "/inetpub/", "\\inetpub\\", "global.asa"};
    /** Absolute paths into system directories: a parameter value that starts with one names a system file. */
    private static final String[] SYSTEM_ROOTS = {"/etc/", "/proc/", "/sys/", "/var/log/", "/root/", "c:\\windows\\",
        "c:/windows/"};

    private TraversalDetector() {
    }

    /**
     * @param value one decoded parameter value
     * @return whether it climbs out of a directory or names a sensitive system file
     */
    static boolean isTraversal(String value) {
        String v = value.replace("\u00c0\u00ae", ".").replace("\uff0e", ".").replace("\u2215", "/")
                .replace("\u2216", "\\");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == 0) {
                return true;
            }
            if (c == '.' && i + 1 < v.length() && v.charAt(i + 1) == '.') {
                boolean startsSegment = i == 0 || isSeparator(v.charAt(i - 1));
                int after = i + 2;
                boolean endsSegment = after == v.length() || isSeparator(v.charAt(after)) || v.charAt(after) == 0;
                // "....//" survives a single "../" removal pass as "../"
                boolean doubled = after + 1 < v.length() && v.charAt(after) == '.' && v.charAt(after + 1) == '.'
                        && after + 2 < v.length() && isSeparator(v.charAt(after + 2));
                if (startsSegment && (endsSegment && (i > 0 || after < v.length())) || startsSegment && doubled) {
                    return true;
                }
            }
        }
        if (v.indexOf('/') < 0 && v.indexOf('\\') < 0) {
            return false;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        for (String root : SYSTEM_ROOTS) {
            if (lower.startsWith(root)) {
                return true;
            }
        }
        for (String file : SENSITIVE) {
            if (lower.contains(file)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSeparator(char c) {
        return c == '/' || c == '\\';
    }
}
