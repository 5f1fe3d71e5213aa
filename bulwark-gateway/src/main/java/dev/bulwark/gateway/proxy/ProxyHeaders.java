package dev.bulwark.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The header rules of a forwarding proxy: which fields are hop-by-hop (RFC 9110 §7.6.1) and never cross the
 * proxy in either direction, and how the {@code X-Forwarded-*} and {@code Forwarded} (RFC 7239) fields are set.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProxyHeaders {

    /** Always hop-by-hop; fields named by {@code Connection} are added per message. */
    private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate"};
    private static final CharSequence TE = HttpHeaders.createOptimized("TE");
    /** What a whole copy of a request head loses: every hop-by-hop field, {@code Host} and {@code Expect}. */
    private static final List<CharSequence> EXCLUDED = Stream.concat(
            Arrays.stream(HOP_BY_HOP), Stream.of("host", "expect"))
            .map(HttpHeaders::createOptimized).toList();

    private ProxyHeaders() {
    }

    /**
     * Copies the request fields that may go upstream: not hop-by-hop, not {@code Host} (the upstream's own
     * authority is sent), not HTTP/2 pseudo-headers, not {@code Expect} (the gateway answers it itself), and
     * none of {@code skip} (lower case).
     *
     * <p>An HTTP/1.x head going into an empty map of the same kind is copied whole and the fields that must not go
     * are removed afterwards: its fields were validated when the request was parsed, and copying them one by one
     * would validate every name and value again (a bearer token is hundreds of characters).
     */
    public static void copyRequest(MultiMap from, MultiMap to, Set<String> skip) {
        Set<String> connectionTokens = connectionTokens(from.getAll("Connection"));
        if (to.isEmpty() && from.getClass() == to.getClass()) {
            to.setAll(from);
            removeExcluded(to, connectionTokens, skip);
            return;
        }
        from.forEach((name, value) -> {
            if (forwardable(name, value, connectionTokens, skip)) {
                to.add(name, value);
            }
        });
    }

    /**
     * The rule of {@link #copyRequest} for one request field: whether it may go upstream.
     *
     * @param connectionTokens the request's {@link #connectionTokens(Iterable) Connection tokens}
     * @param skip             further names to leave out, lower case
     */
    static boolean forwardable(String name, String value, Set<String> connectionTokens, Set<String> skip) {
        if (name.isEmpty() || name.charAt(0) == ':' || name.equalsIgnoreCase("host")
                || name.equalsIgnoreCase("expect")
                || (!skip.isEmpty() && skip.contains(name.toLowerCase(Locale.ROOT)))) {
            return false;
        }
        if (name.equalsIgnoreCase("te")) {
            return isTrailers(value);
        }
        return !isHopByHop(name, connectionTokens);
    }

    /** Removes from a whole copy what {@link #copyRequest} does not forward. */
    private static void removeExcluded(MultiMap headers, Set<String> connectionTokens, Set<String> skip) {
        List<String> te = headers.getAll(TE);
        for (CharSequence name : EXCLUDED) {
            headers.remove(name);
        }
        connectionTokens.forEach(headers::remove);
        skip.forEach(headers::remove);
        for (String value : te) {
            if (isTrailers(value)) {
                headers.add(TE, value);
            }
        }
    }

    /** "TE: trailers" is end-to-end meaningful for gRPC-style upstreams; anything else is not. */
    private static boolean isTrailers(String te) {
        return "trailers".equalsIgnoreCase(te.trim());
    }

    /**
     * Copies an upstream response head into the client response's own map, leaving out hop-by-hop fields, the
     * fields {@code Connection} names and HTTP/2 pseudo-fields.
     *
     * @param from       the upstream response's fields (a Vert.x or a Netty header map)
     * @param connection the values of its {@code Connection} fields
     */
    public static void copyResponse(Iterable<Map.Entry<String, String>> from, List<String> connection, MultiMap to) {
        Set<String> connectionTokens = connectionTokens(connection);
        for (Map.Entry<String, String> field : from) {
            String name = field.getKey();
            if (!name.isEmpty() && name.charAt(0) != ':' && !isHopByHop(name, connectionTokens)) {
                to.add(name, field.getValue());
            }
        }
    }

    // Runs for every header of every proxied message, so it compares in place instead of lower-casing a copy.
    private static boolean isHopByHop(String name, Set<String> connectionTokens) {
        for (String hopByHop : HOP_BY_HOP) {
            if (name.length() == hopByHop.length() && name.equalsIgnoreCase(hopByHop)) {
                return true;
            }
        }
        return !connectionTokens.isEmpty() && connectionTokens.contains(name.toLowerCase(Locale.ROOT));
    }

    /** @return the lower-cased field names listed in {@code Connection} values */
    static Set<String> connectionTokens(List<String> values) {
        if (values.isEmpty()) {
            return Set.of();
        }
        HashSet<String> tokens = new HashSet<>(4);
        for (String value : values) {
            for (String token : value.split(",")) {
                String trimmed = token.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    tokens.add(trimmed);
                }
            }
        }
        return tokens;
    }

    /**
     * The forwarding fields of an upstream request: {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and
     * {@code Forwarded}. They replace any the client sent.
     *
     * <p>From an untrusted peer, whatever the client sent is dropped, so it cannot choose the address the
     * upstream believes. From a trusted proxy, its chain is kept and the peer appended.
     *
     * @param forwardedFor the {@code X-Forwarded-For} value
     * @param proto        the {@code X-Forwarded-Proto} value
     * @param host         the {@code X-Forwarded-Host} value; {@code null} when the upstream gets none
     * @param forwarded    the {@code Forwarded} value
     */
    public record Forwarding(String forwardedFor, String proto, String host, String forwarded) {

        /** Sets these fields on an upstream request's map, removing an {@code X-Forwarded-Host} when there is none. */
        public void setOn(MultiMap out) {
            out.set("X-Forwarded-For", forwardedFor);
            out.set("X-Forwarded-Proto", proto);
            if (host != null) {
                out.set("X-Forwarded-Host", host);
            } else {
                out.remove("X-Forwarded-Host");
            }
            out.set("Forwarded", forwarded);
        }

        /** @return whether {@code name} is one of the fields these replace */
        public static boolean replaces(String name) {
            return switch (name.length()) {
                case 9 -> name.equalsIgnoreCase("Forwarded");
                case 15 -> name.equalsIgnoreCase("X-Forwarded-For");
                case 16 -> name.equalsIgnoreCase("X-Forwarded-Host");
                case 17 -> name.equalsIgnoreCase("X-Forwarded-Proto");
                default -> false;
            };
        }
    }

    /**
     * @param incoming    the request as received (for the existing chain)
     * @param peer        the socket peer address
     * @param peerTrusted whether the peer is a trusted proxy
     * @param secure      whether the client used TLS (directly or per a trusted proxy)
     * @param tlsHere     whether the connection to this gateway is TLS
     * @param host        the {@code Host} the client asked for, with port if it gave one; may be {@code null}
     * @return the forwarding fields for the upstream request
     */
    public static Forwarding forwarding(MultiMap incoming, String peer, boolean peerTrusted, boolean secure,
                                        boolean tlsHere, String host) {
        String chain = peerTrusted ? joined(incoming.getAll("X-Forwarded-For")) : null;
        String forwardedHost = peerTrusted ? incoming.get("X-Forwarded-Host") : null;
        if (forwardedHost == null && host != null) {
            forwardedHost = host;
        }
        StringBuilder element = new StringBuilder(64).append("for=").append(node(peer));
        if (host != null && isSafeHost(host)) {
            element.append(";host=\"").append(host).append('"');
        }
        element.append(";proto=").append(tlsHere ? "https" : "http");
        String previous = peerTrusted ? joined(incoming.getAll("Forwarded")) : null;
        return new Forwarding(chain == null ? peer : chain + ", " + peer, secure ? "https" : "http", forwardedHost,
                previous == null ? element.toString() : previous + ", " + element);
    }

    private static String node(String address) {
        // RFC 7239 §6: IPv6 nodes are bracketed and, because of the colons, quoted.
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    private static boolean isSafeHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
            if (!ok) {
                return false;
            }
        }
        return !host.isEmpty();
    }

    private static String joined(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : String.join(", ", values);
    }
}
