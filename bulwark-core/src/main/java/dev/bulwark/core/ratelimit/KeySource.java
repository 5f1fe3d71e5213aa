package dev.bulwark.core.ratelimit;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One part of a rate-limit key: where its value comes from in the exchange. Parsed once when routes are
 * compiled; {@link #value(Exchange)} runs per request. Immutable and thread-safe.
 *
 * <p>A part that is absent (no header, no authenticated user yet, no such claim) reads as {@value #ABSENT};
 * every client without it shares that one bucket. Values are escaped so no choice of header value can make
 * two different part combinations produce the same key, and long values are replaced by their SHA-256, so
 * a key never exceeds a few hundred characters whatever a client sends.
 */
public abstract sealed class KeySource {

    /** The trusted client address; an IPv6 client is keyed by its /64 network, which one host usually owns. */
    public static final String IP = "ip";
    /** The authenticated user's id ({@link ExchangeAttributes#USER}). */
    public static final String USER = "user";
    /** The resolved tenant ({@link ExchangeAttributes#TENANT}). */
    public static final String TENANT = "tenant";
    /** The authenticating API key's id ({@link ExchangeAttributes#API_KEY}). */
    public static final String API_KEY = "apiKey";
    /** The matched route's id. */
    public static final String ROUTE = "route";
    /** Prefix of a request header part, e.g. {@code header:X-Channel}. */
    public static final String HEADER_PREFIX = "header:";
    /** Prefix of a verified token claim part, e.g. {@code claim:org}. */
    public static final String CLAIM_PREFIX = "claim:";

    /** The value of a part the request does not carry. */
    public static final String ABSENT = "-";

    /** The key-part names accepted besides the prefixed ones, for error messages. */
    public static final List<String> NAMES = List.of(IP, USER, TENANT, API_KEY, ROUTE, "header:NAME", "claim:NAME");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_PLAIN_LENGTH = 64;

    private final String spec;

    private KeySource(String spec) {
        this.spec = spec;
    }

    /**
     * @param spec a part name as configured, e.g. {@code ip} or {@code header:X-Channel}
     * @return the parsed part
     * @throws IllegalArgumentException naming {@code spec} when it is not one
     */
    public static KeySource parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("null is not a rate limit key part (expected one of "
                    + String.join(", ", NAMES) + ")");
        }
        switch (spec) {
            case IP -> {
                return new Ip();
            }
            case USER -> {
                return new Attribute(spec, ExchangeAttributes.USER);
            }
            case TENANT -> {
                return new Attribute(spec, ExchangeAttributes.TENANT);
            }
            case API_KEY -> {
                return new Attribute(spec, ExchangeAttributes.API_KEY);
            }
            case ROUTE -> {
                return new Route();
            }
            default -> {
                if (spec.startsWith(HEADER_PREFIX) && TOKEN.matcher(spec.substring(HEADER_PREFIX.length())).matches()) {
                    return new Header(spec);
                }
                if (spec.startsWith(CLAIM_PREFIX) && spec.length() > CLAIM_PREFIX.length()
                        && spec.chars().noneMatch(c -> c < 0x21 || c == 0x7f)) {
                    return new Claim(spec);
                }
                throw new IllegalArgumentException("\"" + spec + "\" is not a rate limit key part (expected one of "
                        + String.join(", ", NAMES) + ")");
            }
        }
    }

    /** @return the part as configured */
    public String spec() {
        return spec;
    }

    /** @return this part's value for {@code exchange}, escaped and bounded; {@value #ABSENT} when absent */
    public final String value(Exchange exchange) {
        String raw = raw(exchange);
        return raw == null || raw.isEmpty() ? ABSENT : safe(raw);
    }

    abstract String raw(Exchange exchange);

    /** @return whether the value comes from authentication (user, tenant, API key, claim), known only after it */
    public boolean needsIdentity() {
        return false;
    }

    @Override
    public String toString() {
        return spec;
    }

    /**
     * Escapes the characters that separate parts ({@code |}), mark absence ({@code -} alone) and escape
     * ({@code %}); hashes values too long to keep. Both are rare, so the common case allocates nothing.
     */
    static String safe(String raw) {
        if (raw.length() > MAX_PLAIN_LENGTH) {
            return "#" + sha256(raw);
        }
        if (raw.equals(ABSENT)) {
            return "%2D";
        }
        if (raw.indexOf('|') < 0 && raw.indexOf('%') < 0) {
            return raw;
        }
        return raw.replace("%", "%25").replace("|", "%7C");
    }

    private static String sha256(String raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("sha-256 is required of every jvm", e);
        }
    }

    private static final class Ip extends KeySource {
        Ip() {
            super(IP);
        }

        @Override
        String raw(Exchange exchange) {
            String ip = exchange.clientIp();
            return ip == null || ip.indexOf(':') < 0 ? ip : ipv6Network(ip);
        }

        /** Only called on strings containing ':', which InetAddress parses as a literal without DNS. */
        private static String ipv6Network(String ip) {
            int zone = ip.indexOf('%');
            String literal = zone < 0 ? ip : ip.substring(0, zone);
            if (literal.startsWith("[") && literal.endsWith("]")) {
                literal = literal.substring(1, literal.length() - 1);
            }
            try {
                byte[] a = InetAddress.getByName(literal).getAddress();
                if (a.length == 4) {
                    return InetAddress.getByAddress(a).getHostAddress();
                }
                return String.format(Locale.ROOT, "%x:%x:%x:%x::/64", (a[0] & 0xff) << 8 | (a[1] & 0xff),
                        (a[2] & 0xff) << 8 | (a[3] & 0xff), (a[4] & 0xff) << 8 | (a[5] & 0xff),
                        (a[6] & 0xff) << 8 | (a[7] & 0xff));
            } catch (UnknownHostException | SecurityException e) {
                return ip;
            }
        }
    }

    private static final class Route extends KeySource {
        Route() {
            super(ROUTE);
        }

        @Override
        String raw(Exchange exchange) {
            return exchange.routeId();
        }
    }

    private static final class Attribute extends KeySource {
        @Override
        public boolean needsIdentity() {
            return true;
        }

        private final AttributeKey<String> key;

        Attribute(String spec, AttributeKey<String> key) {
            super(spec);
            this.key = key;
        }

        @Override
        String raw(Exchange exchange) {
            return exchange.attribute(key);
        }
    }

    private static final class Header extends KeySource {
        private final String name;

        Header(String spec) {
            super(spec);
            this.name = spec.substring(HEADER_PREFIX.length());
        }

        @Override
        String raw(Exchange exchange) {
            return exchange.requestHeaders().get(name);
        }
    }

    private static final class Claim extends KeySource {
        @Override
        public boolean needsIdentity() {
            return true;
        }

        private final String name;

        Claim(String spec) {
            super(spec);
            this.name = spec.substring(CLAIM_PREFIX.length());
        }

        @Override
        String raw(Exchange exchange) {
            Map<String, Object> claims = exchange.attribute(ExchangeAttributes.CLAIMS);
            if (claims == null) {
                return null;
            }
            Object value = claims.get(name);
            return value == null ? null : String.valueOf(value);
        }
    }
}
