package dev.bulwark.core.auth;

import dev.bulwark.api.Headers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cookies of cookie mode, and reading them back from a request.
 *
 * <p>Token cookies are {@code __Host-} prefixed (so the browser insists on {@code Secure}, {@code Path=/} and no
 * {@code Domain}: a sibling subdomain cannot plant or overwrite them), {@code HttpOnly} and {@code SameSite}.
 * The CSRF cookie is readable by scripts on purpose: the page copies it into the {@code X-CSRF-Token} header.
 * Stateless.
 */
public final class AuthCookies {

    /** Holds the access token. */
    public static final String ACCESS = "__Host-bulwark-access";
    /** Holds the refresh token. */
    public static final String REFRESH = "__Host-bulwark-refresh";
    /** Holds the CSRF token the page echoes in {@link #CSRF_HEADER}. */
    public static final String CSRF = "__Host-bulwark-csrf";
    /** The request header carrying the CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private AuthCookies() {
    }

    /** @return a {@code Set-Cookie} value setting {@code name} for {@code maxAge} */
    public static String set(String name, String value, Duration maxAge, String sameSite, boolean httpOnly) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; Secure"
                + (httpOnly ? "; HttpOnly" : "") + "; SameSite=" + sameSite;
    }

    /** @return a {@code Set-Cookie} value deleting {@code name} */
    public static String clear(String name, String sameSite) {
        return name + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=" + sameSite;
    }

    /**
     * Takes every cookie called {@code name} out of the request's {@code Cookie} headers; a header left without
     * cookies is removed. Headers without such a cookie are left exactly as they were.
     */
    public static void remove(Headers headers, String name) {
        List<String> kept = new ArrayList<>();
        boolean removed = false;
        for (String header : headers.getAll("Cookie")) {
            StringBuilder rest = new StringBuilder(header.length());
            boolean changed = false;
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    changed = true;
                } else if (!pair.isBlank()) {
                    rest.append(rest.isEmpty() ? "" : "; ").append(pair.trim());
                }
            }
            removed |= changed;
            if (!changed) {
                kept.add(header);
            } else if (!rest.isEmpty()) {
                kept.add(rest.toString());
            }
        }
        if (removed) {
            headers.remove("Cookie");
            kept.forEach(header -> headers.add("Cookie", header));
        }
    }

    /**
     * @return the value of the first cookie called {@code name} in the request's {@code Cookie} headers, or
     *     {@code null}
     */
    public static String read(Headers headers, String name) {
        for (String header : headers.getAll("Cookie")) {
            int from = 0;
            while (from < header.length()) {
                int end = header.indexOf(';', from);
                if (end < 0) {
                    end = header.length();
                }
                int eq = header.indexOf('=', from);
                if (eq > 0 && eq < end && header.substring(from, eq).trim().equals(name)) {
                    return header.substring(eq + 1, end).trim();
                }
                from = end + 1;
            }
        }
        return null;
    }
}
