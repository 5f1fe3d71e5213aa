package dev.bulwark.core.identityheaders;

import dev.bulwark.core.config.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a route forwards the verified identity to its backend, as configured, before validation: which incoming
 * headers are stripped from every client request, which headers carry the principal upstream, and whether a
 * short-lived signed identity token ({@code X-Bulwark-Identity}) goes with them.
 *
 * <p>Stripping covers every {@link #strip} entry plus every header name this config sends, so renaming
 * {@code userHeader} can never open a spoofing hole. A {@code null} header name means "do not send that header".
 * Lists are kept as given (including {@code null} entries, so {@link #problems} can report them) and cannot be
 * modified. Immutable.
 *
 * @param strip         header names removed from every client request; an entry ending in {@code *} is a prefix
 *                      ({@code X-Bulwark-*}); {@code null} means {@link #DEFAULT_STRIP}
 * @param userHeader    carries the user id ({@code sub}); {@code null} to not send it
 * @param tenantHeader  carries the tenant, when the request has one; {@code null} to not send it
 * @param rolesHeader   carries the roles, comma-separated, when there are any; {@code null} to not send it
 * @param sessionHeader carries the session id, when the credential has one; {@code null} to not send it
 * @param token         whether to send the signed identity token
 * @param tokenHeader   carries the signed identity token
 * @param tokenLifetime from the token's {@code iat} to its {@code exp}; whole seconds, 1s to 5m; {@code null}
 *                      means {@link #DEFAULT_TOKEN_LIFETIME}
 * @param audience      the token's {@code aud}; {@code null} means the name of the route's upstream
 */
public record IdentityHeadersConfig(List<String> strip, String userHeader, String tenantHeader, String rolesHeader,
                                    String sessionHeader, boolean token, String tokenHeader, Duration tokenLifetime,
                                    String audience) {

    /** The headers the gateway owns: the identity headers and everything under {@code X-Bulwark-}. */
    public static final List<String> DEFAULT_STRIP =
            List.of("X-User-Id", "X-Tenant-Id", "X-Roles", "X-Session-Id", "X-Bulwark-*");
    /** Long enough for the request to reach the backend, short enough that a leaked token is soon useless. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** The longest identity token lifetime accepted. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** The header that carries the signed identity token by default. */
    public static final String DEFAULT_TOKEN_HEADER = "X-Bulwark-Identity";

    /** Every default: strip {@link #DEFAULT_STRIP}, send the four identity headers and a 60-second token. */
    public static final IdentityHeadersConfig DEFAULT = new IdentityHeadersConfig(DEFAULT_STRIP, "X-User-Id",
            "X-Tenant-Id", "X-Roles", "X-Session-Id", true, DEFAULT_TOKEN_HEADER, DEFAULT_TOKEN_LIFETIME, null);

    /**
     * Headers the gateway or the backend protocol depends on: stripping or overwriting one would break
     * authentication, framing or request tracing, so no entry may name or cover them.
     */
    static final List<String> RESERVED = List.of("Authorization", "Proxy-Authorization", "Cookie", "Host",
            "Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection", "Upgrade", "TE",
            "Trailer", "Keep-Alive", "Origin", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol",
            "Sec-WebSocket-Extensions", "X-Request-Id", "X-CSRF-Token", "Forwarded", "X-Forwarded-For",
            "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port");

    public IdentityHeadersConfig {
        strip = strip == null ? DEFAULT_STRIP : Collections.unmodifiableList(new ArrayList<>(strip));
        tokenLifetime = tokenLifetime == null ? DEFAULT_TOKEN_LIFETIME : tokenLifetime;
    }

    /** @return a builder starting from {@link #DEFAULT}: set only what differs */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the header names this config sends upstream, keyed by the config key that names them
     *     ({@code userHeader}, ..., {@code tokenHeader}); headers turned off are left out
     */
    public Map<String, String> sentHeaders() {
        Map<String, String> sent = new LinkedHashMap<>();
        putIfSet(sent, "userHeader", userHeader);
        putIfSet(sent, "tenantHeader", tenantHeader);
        putIfSet(sent, "rolesHeader", rolesHeader);
        putIfSet(sent, "sessionHeader", sessionHeader);
        if (token) {
            putIfSet(sent, "tokenHeader", tokenHeader);
        }
        return Collections.unmodifiableMap(sent);
    }

    /**
     * @return every entry stripped from client requests: {@link #strip} followed by each {@link #sentHeaders()}
     *     name not already covered
     */
    public List<String> effectiveStrip() {
        List<String> all = new ArrayList<>(strip);
        for (String name : sentHeaders().values()) {
            if (!StripList.covers(all, name)) {
                all.add(name);
            }
        }
        return List.copyOf(all);
    }

    /** @return whether client copies of the header {@code name} are stripped at the edge ({@link #effectiveStrip}) */
    public boolean strips(String name) {
        return StripList.covers(effectiveStrip(), name);
    }

    /**
     * Checks the settings as configured.
     *
     * @param config the settings; {@code null} when the key is absent (no problem)
     * @param path   the settings' key path, e.g. {@code policies.api.identityHeaders}
     * @return every problem found, each at its own key path ({@code ...strip[2]}, {@code ...tokenLifetime}) with a
     *     message quoting the value; empty when the settings are valid
     */
    public static List<ConfigProblem> problems(IdentityHeadersConfig config, String path) {
        if (config == null) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < config.strip().size(); i++) {
            String entry = config.strip().get(i);
            String at = path + ".strip[" + i + "]";
            if (entry == null || entry.isEmpty()) {
                problems.add(new ConfigProblem(at, "is empty (expected a header name such as X-User-Id or a prefix"
                        + " such as X-Bulwark-*)"));
                continue;
            }
            boolean prefix = entry.endsWith("*");
            String name = prefix ? entry.substring(0, entry.length() - 1) : entry;
            if (name.isEmpty() || !isToken(name)) {
                problems.add(new ConfigProblem(at, ConfigProblem.quote(entry) + " is not a header name"
                        + " (expected letters, digits and - only, optionally ending in * for a prefix)"));
                continue;
            }
            String reserved = reservedMatch(name, prefix);
            if (reserved != null) {
                problems.add(new ConfigProblem(at, ConfigProblem.quote(entry) + " would strip " + reserved
                        + ", which clients and the gateway need"));
                continue;
            }
            Integer first = seen.putIfAbsent(entry.toLowerCase(Locale.ROOT), i);
            if (first != null) {
                problems.add(new ConfigProblem(at, ConfigProblem.quote(entry) + " is listed twice (also at strip["
                        + first + "])"));
            }
        }
        Map<String, String> names = new HashMap<>();
        checkHeader(config.userHeader(), "userHeader", path, names, problems);
        checkHeader(config.tenantHeader(), "tenantHeader", path, names, problems);
        checkHeader(config.rolesHeader(), "rolesHeader", path, names, problems);
        checkHeader(config.sessionHeader(), "sessionHeader", path, names, problems);
        if (config.token()) {
            if (config.tokenHeader() == null) {
                problems.add(new ConfigProblem(path + ".tokenHeader", "is required while the identity token is on"
                        + " (expected a header name such as " + DEFAULT_TOKEN_HEADER + ")"));
            } else {
                checkHeader(config.tokenHeader(), "tokenHeader", path, names, problems);
            }
            Duration lifetime = config.tokenLifetime();
            if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0
                    || lifetime.toMillis() % 1000 != 0) {
                problems.add(new ConfigProblem(path + ".tokenLifetime", lifetime.toMillis()
                        + "ms must be whole seconds between 1s and 5m (the token's exp is in seconds)"));
            }
            String audience = config.audience();
            if (audience != null && (audience.isBlank() || audience.length() > 256 || hasControl(audience))) {
                problems.add(new ConfigProblem(path + ".audience", ConfigProblem.quote(audience)
                        + " is not a usable audience (expected 1 to 256 printable characters, or leave it out to"
                        + " use the upstream's name)"));
            }
        }
        return problems;
    }

    private static void checkHeader(String name, String key, String path, Map<String, String> names,
                                    List<ConfigProblem> problems) {
        if (name == null) {
            return;
        }
        String at = path + "." + key;
        if (name.isEmpty() || !isToken(name)) {
            problems.add(new ConfigProblem(at, ConfigProblem.quote(name) + " is not a header name"
                    + " (expected letters, digits and - only)"));
            return;
        }
        String reserved = reservedMatch(name, false);
        if (reserved != null) {
            problems.add(new ConfigProblem(at, ConfigProblem.quote(name) + " is a header clients and the gateway"
                    + " need; choose another name"));
            return;
        }
        String other = names.putIfAbsent(name.toLowerCase(Locale.ROOT), key);
        if (other != null) {
            problems.add(new ConfigProblem(at, ConfigProblem.quote(name) + " is already used by " + other));
        }
    }

    /** @return the reserved header {@code name} is or (as a prefix) covers, or {@code null} */
    private static String reservedMatch(String name, boolean prefix) {
        for (String reserved : RESERVED) {
            boolean hit = prefix
                    ? reserved.regionMatches(true, 0, name, 0, name.length())
                    : reserved.equalsIgnoreCase(name);
            if (hit) {
                return reserved;
            }
        }
        return null;
    }

    /** RFC 9110 field names are tokens; these are the characters header names use in practice. */
    private static boolean isToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Builds an {@link IdentityHeadersConfig} from {@link #DEFAULT}; {@link #problems} validates it. Not thread-safe. */
    public static final class Builder {
        private List<String> strip = DEFAULT.strip;
        private String userHeader = DEFAULT.userHeader;
        private String tenantHeader = DEFAULT.tenantHeader;
        private String rolesHeader = DEFAULT.rolesHeader;
        private String sessionHeader = DEFAULT.sessionHeader;
        private boolean token = DEFAULT.token;
        private String tokenHeader = DEFAULT.tokenHeader;
        private Duration tokenLifetime = DEFAULT.tokenLifetime;
        private String audience = DEFAULT.audience;

        private Builder() {
        }

        /** Replaces the strip list, e.g. {@code "X-User-Id", "X-Bulwark-*"}. */
        public Builder strip(String... entries) {
            return strip(List.of(entries));
        }

        /** Replaces the strip list; entries ending in {@code *} are prefixes. */
        public Builder strip(List<String> entries) {
            this.strip = entries;
            return this;
        }

        public Builder userHeader(String name) {
            this.userHeader = name;
            return this;
        }

        public Builder tenantHeader(String name) {
            this.tenantHeader = name;
            return this;
        }

        public Builder rolesHeader(String name) {
            this.rolesHeader = name;
            return this;
        }

        public Builder sessionHeader(String name) {
            this.sessionHeader = name;
            return this;
        }

        /** Turns the signed identity token on or off. */
        public Builder token(boolean token) {
            this.token = token;
            return this;
        }

        public Builder tokenHeader(String name) {
            this.tokenHeader = name;
            return this;
        }

        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Sets the token's {@code aud}; {@code null} (the default) uses the upstream's name. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        public IdentityHeadersConfig build() {
            return new IdentityHeadersConfig(strip, userHeader, tenantHeader, rolesHeader, sessionHeader, token,
                    tokenHeader, tokenLifetime, audience);
        }
    }
}
