package dev.bulwark.core.waf;

import dev.bulwark.core.waf.WafConfig.Check;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Runs a route's checks over one value and its decoded forms: the value as received (already URL-decoded once
 * where the target is URL-encoded) and, while it still holds {@code %} escapes, the value decoded again (at most twice
 * more), which catches double and triple encoding ({@code %2527} for {@code '}). HTML entities are the XSS detector's own business. Immutable
 * and thread-safe.
 */
final class Detectors {

    private final Check[] checks;

    Detectors(Set<Check> checks) {
        this.checks = checks.toArray(Check[]::new);
    }

    /**
     * @param value one parameter value (or name)
     * @return the first check that flags it or its decoded form, or {@code null} when none does
     */
    Check detect(String value) {
        if (value.isEmpty()) {
            return null;
        }
        Check found = detectOnce(value);
        String current = value;
        // Up to two more rounds: double and triple encoding (%252e, %25252e) both occur in attack lists.
        for (int round = 0; found == null && round < 2 && current.indexOf('%') >= 0; round++) {
            String decoded = percentDecode(current, false);
            if (decoded.equals(current)) {
                break;
            }
            current = decoded;
            found = detectOnce(current);
        }
        return found;
    }

    private Check detectOnce(String value) {
        for (Check check : checks) {
            boolean hit = switch (check) {
                case SQLI -> SqliDetector.isSqli(value);
                case XSS -> XssDetector.isXss(value);
                case TRAVERSAL -> TraversalDetector.isTraversal(value);
                case COMMAND_INJECTION -> CommandInjectionDetector.isCommandInjection(value);
            };
            if (hit) {
                return check;
            }
        }
        return null;
    }

    /**
     * Decodes {@code %XX} escapes as UTF-8 (and {@code +} as a space for form encoding); malformed escapes stay as
     * they are and invalid UTF-8 becomes U+FFFD, as a lenient backend would decode them, except that the overlong
     * two-byte dot {@code %c0%ae} becomes {@code \u00c0\u00ae}, which the traversal check knows.
     *
     * @param plusIsSpace whether {@code +} means a space ({@code application/x-www-form-urlencoded})
     */
    static String percentDecode(String value, boolean plusIsSpace) {
        int first = value.indexOf('%');
        if (first < 0 && (!plusIsSpace || value.indexOf('+') < 0)) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
                bytes.write(hex(value.charAt(i + 1)) << 4 | hex(value.charAt(i + 2)));
                i += 2;
                continue;
            }
            flush(bytes, out);
            out.append(c == '+' && plusIsSpace ? ' ' : c);
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() == 0) {
            return;
        }
        byte[] raw = bytes.toByteArray();
        bytes.reset();
        for (int i = 0; i < raw.length; i++) {
            if ((raw[i] & 0xff) == 0xc0 && i + 1 < raw.length && (raw[i + 1] & 0xff) == 0xae) {
                out.append(new String(raw, 0, i, StandardCharsets.UTF_8)).append("\u00c0\u00ae");
                byte[] rest = new byte[raw.length - i - 2];
                System.arraycopy(raw, i + 2, rest, 0, rest.length);
                bytes.writeBytes(rest);
                flush(bytes, out);
                return;
            }
        }
        out.append(new String(raw, StandardCharsets.UTF_8));
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
