package dev.bulwark.core.cors;

import dev.bulwark.api.Exchange;
import dev.bulwark.core.edge.HostNames;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled list of allowed origins, shared by CORS and the WebSocket origin check so both read an origin list
 * the same way.
 *
 * <p>An origin is allowed when it is listed exactly (compared case-insensitively, ports exact), matches a
 * subdomain pattern ({@code https://*.example.com}: same scheme and port, one or more valid labels in place of
 * {@code *}, never the apex), fully matches one of the regexes, or {@code *} is listed. The opaque origin
 * {@code null} (sandboxed frames, {@code file:} pages) is allowed only when {@code "null"} is listed literally,
 * and a malformed origin (a path, user info, spaces, a second origin) is never allowed.
 *
 * <p>Compiled once at construction; immutable and thread-safe.
 */
public final class AllowedOrigins {

    private final boolean anyOrigin;
    private final boolean nullOrigin;
    private final Set<String> exactOrigins = new HashSet<>();
    private final List<OriginPattern> patterns = new ArrayList<>();
    private final Pattern[] regexes;

    /**
     * @param feature names the feature in error messages, e.g. {@code cors}
     * @param origins exact origins, {@code scheme://*.domain[:port]} patterns, {@code *} or {@code null}
     * @param regexes full-match regular expressions over the origin
     * @throws IllegalArgumentException when an origin is not {@code scheme://host[:port]} (or a pattern,
     *                                  {@code *}, {@code null}) or a regex does not compile
     */
    public AllowedOrigins(String feature, List<String> origins, List<String> regexes) {
        boolean any = false;
        boolean listsNull = false;
        for (String entry : origins) {
            if (entry.equals("*")) {
                any = true;
            } else if (entry.equals("null")) {
                listsNull = true;
            } else if (entry.indexOf('*') >= 0) {
                patterns.add(OriginPattern.parse(feature, entry));
            } else if (isWellFormedOrigin(entry)) {
                exactOrigins.add(entry.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException(feature + " origin must be scheme://host[:port] without a path: "
                        + entry);
            }
        }
        this.anyOrigin = any;
        this.nullOrigin = listsNull;
        this.regexes = regexes.stream().map(regex -> compile(feature, regex)).toArray(Pattern[]::new);
    }

    /** @return whether {@code *} is listed, so every well-formed origin is allowed */
    public boolean allowsAny() {
        return anyOrigin;
    }

    /** @return whether the list allows nothing at all */
    public boolean isEmpty() {
        return !anyOrigin && !nullOrigin && exactOrigins.isEmpty() && patterns.isEmpty() && regexes.length == 0;
    }

    /** @return whether {@code origin}, an {@code Origin} header's value, is allowed */
    public boolean allows(String origin) {
        if (origin.equals("null")) {
            return nullOrigin;
        }
        if (!isWellFormedOrigin(origin)) {
            return false;
        }
        if (anyOrigin) {
            return true;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        if (exactOrigins.contains(lower)) {
            return true;
        }
        for (OriginPattern pattern : patterns) {
            if (pattern.matches(lower)) {
                return true;
            }
        }
        for (Pattern regex : regexes) {
            if (regex.matcher(origin).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern compile(String feature, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException invalid) {
            throw new IllegalArgumentException(feature + " origin regex does not compile: " + regex, invalid);
        }
    }

    /**
     * The same-origin rule of the WebSocket origin check and of the CSRF check of cookie-authenticated requests.
     *
     * @return whether {@code origin} is the origin the client addressed: the scheme the request arrived with
     *     ({@code https} over TLS, directly or through a trusted proxy), the requested host and the requested port
     *     (or the scheme's default)
     */
    public static boolean isSameOrigin(String origin, Exchange exchange) {
        if (exchange.host() == null || !isWellFormedOrigin(origin)) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        String scheme = exchange.secure() ? "https" : "http";
        int defaultPort = exchange.secure() ? 443 : 80;
        int originPort = uri.getPort() >= 0 ? uri.getPort() : defaultPort;
        int requestPort = exchange.port() >= 0 ? exchange.port() : defaultPort;
        return scheme.equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                && bare(uri.getHost()).equals(bare(exchange.host())) && originPort == requestPort;
    }

    /** @return the host in lower case without IPv6 brackets */
    private static String bare(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    /**
     * Whether {@code origin} is a serialized origin {@code scheme://host[:port]} with nothing else: no path,
     * user info, spaces or second origin, so a loose regex cannot be tricked by trailing junk.
     */
    public static boolean isWellFormedOrigin(String origin) {
        int schemeEnd = origin.indexOf("://");
        if (schemeEnd <= 0 || !isScheme(origin.substring(0, schemeEnd))) {
            return false;
        }
        String authority = origin.substring(schemeEnd + 3);
        String host = authority;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = authority.substring(1, close);
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return false;
                }
            }
            return !host.isEmpty() && isPortSuffix(authority.substring(close + 1));
        }
        int colon = authority.indexOf(':');
        if (colon >= 0) {
            host = authority.substring(0, colon);
            if (!isPortSuffix(authority.substring(colon))) {
                return false;
            }
        }
        return HostNames.isHostName(host.toLowerCase(Locale.ROOT));
    }

    private static boolean isScheme(String scheme) {
        if (!Character.isLetter(scheme.charAt(0))) {
            return false;
        }
        for (int i = 0; i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            if (!(c < 0x80 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    /** Empty, or {@code :} followed by one to five digits. */
    private static boolean isPortSuffix(String suffix) {
        if (suffix.isEmpty()) {
            return true;
        }
        if (suffix.charAt(0) != ':' || suffix.length() < 2 || suffix.length() > 6) {
            return false;
        }
        for (int i = 1; i < suffix.length(); i++) {
            if (suffix.charAt(i) < '0' || suffix.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A compiled {@code scheme://*.domain[:port]} pattern; matches lower-cased origins of the same scheme and
     * port whose host is one or more labels followed by {@code .domain}.
     */
    private record OriginPattern(String schemePrefix, String tail) {

        static OriginPattern parse(String feature, String entry) {
            String lower = entry.toLowerCase(Locale.ROOT);
            int wildcard = lower.indexOf("://*.");
            String rest = wildcard < 0 ? "" : lower.substring(wildcard + 5);
            int colon = rest.indexOf(':');
            String domain = colon < 0 ? rest : rest.substring(0, colon);
            String port = colon < 0 ? "" : rest.substring(colon);
            if (wildcard <= 0 || !isScheme(lower.substring(0, wildcard)) || !HostNames.isHostName(domain)
                    || !isPortSuffix(port)) {
                throw new IllegalArgumentException(feature + " origin pattern must be scheme://*.domain[:port]: "
                        + entry);
            }
            return new OriginPattern(lower.substring(0, wildcard + 3), "." + domain + port);
        }

        boolean matches(String lowerOrigin) {
            if (!lowerOrigin.startsWith(schemePrefix) || !lowerOrigin.endsWith(tail)) {
                return false;
            }
            int start = schemePrefix.length();
            int end = lowerOrigin.length() - tail.length();
            return end > start && HostNames.isHostName(lowerOrigin.substring(start, end));
        }
    }
}
