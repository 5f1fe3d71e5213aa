package dev.bulwark.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
        Set<String> connectionTokens = connectionTokens(from);
        if (to.isEmpty() && from.getClass() == to.getClass()) {
            to.setAll(from);
            removeExcluded(to, connectionTokens, skip);
            return;
        }
        from.forEach((name, value) -> {
            if (name.isEmpty() || name.charAt(0) == ':' || name.equalsIgnoreCase("host")
                    || name.equalsIgnoreCase("expect")
                    || (!skip.isEmpty() && skip.contains(name.toLowerCase(Locale.ROOT)))) {
                return;
            }
            if (name.equalsIgnoreCase("te")) {
                if (isTrailers(value)) {
                    to.add(name, value);
                }
                return;
            }
            if (!isHopByHop(name, connectionTokens)) {
                to.add(name, value);
            }
        });
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
     */
    public static void copyResponse(MultiMap from, MultiMap to) {
        Set<String> connectionTokens = connectionTokens(from);
        from.forEach((name, value) -> {
            if (!name.isEmpty() && name.charAt(0) != ':' && !isHopByHop(name, connectionTokens)) {
                to.add(name, value);
            }
        });
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

    private static Set<String> connectionTokens(MultiMap headers) {
        List<String> values = headers.getAll("Connection");
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
     * Sets {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code Forwarded} on an upstream request.
     *
     * <p>From an untrusted peer, whatever the client sent is replaced, so it cannot choose the address the
     * upstream believes. From a trusted proxy, its chain is kept and the peer appended.
     *
     * @param incoming    the request as received (for the existing chain)
     * @param out         the upstream request headers
     * @param peer        the socket peer address
     * @param peerTrusted whether the peer is a trusted proxy
     * @param secure      whether the client used TLS (directly or per a trusted proxy)
     * @param tlsHere     whether the connection to this gateway is TLS
     * @param host        the {@code Host} the client asked for, with port if it gave one; may be {@code null}
     */
    public static void setForwarded(MultiMap incoming, MultiMap out, String peer, boolean peerTrusted,
                                    boolean secure, boolean tlsHere, String host) {
        String chain = peerTrusted ? joined(incoming.getAll("X-Forwarded-For")) : null;
        out.set("X-Forwarded-For", chain == null ? peer : chain + ", " + peer);
        String proto = secure ? "https" : "http";
        out.set("X-Forwarded-Proto", proto);
        String forwardedHost = peerTrusted ? incoming.get("X-Forwarded-Host") : null;
        if (forwardedHost == null && host != null) {
            forwardedHost = host;
        }
        if (forwardedHost != null) {
            out.set("X-Forwarded-Host", forwardedHost);
        } else {
            out.remove("X-Forwarded-Host");
        }
        StringBuilder element = new StringBuilder(64).append("for=").append(node(peer));
        if (host != null && isSafeHost(host)) {
            element.append(";host=\"").append(host).append('"');
        }
        element.append(";proto=").append(tlsHere ? "https" : "http");
        String previous = peerTrusted ? joined(incoming.getAll("Forwarded")) : null;
        out.set("Forwarded", previous == null ? element.toString() : previous + ", " + element);
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
