package dev.bulwark.core.auth.identity;

import java.util.Locale;

/**
 * Reduces a {@code User-Agent} to its browser family ({@code firefox}, {@code chrome}, {@code curl}…), so a
 * session's binding survives browser updates but notices a different client. Not a security boundary on its own:
 * user agents are chosen by the client. Stateless.
 */
final class UserAgentFamily {

    private static final String[][] FAMILIES = {
            {"edg/", "edge"}, {"opr/", "opera"}, {"firefox/", "firefox"}, {"chrome/", "chrome"},
            {"crios/", "chrome"}, {"safari/", "safari"}, {"curl/", "curl"}, {"okhttp/", "okhttp"},
            {"python", "python"}, {"java", "java"}, {"go-http-client", "go"}, {"node", "node"}};

    private UserAgentFamily() {
    }

    static String of(String userAgent) {
        if (userAgent == null || userAgent.isEmpty()) {
            return "none";
        }
        String lower = userAgent.toLowerCase(Locale.ROOT);
        for (String[] family : FAMILIES) {
            if (lower.contains(family[0])) {
                return family[1];
            }
        }
        int slash = lower.indexOf('/');
        return slash > 0 ? lower.substring(0, Math.min(slash, 32)) : "other";
    }
}
