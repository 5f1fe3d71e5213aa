package dev.bulwark.gateway.server;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose forwarding headers are believed, compiled once from CIDRs, and the rule that turns a
 * socket peer plus forwarding headers into the client address.
 *
 * <p>A client talking to us directly cannot choose its address: its forwarding headers are ignored. Behind
 * trusted proxies, the client is the right-most address in {@code X-Forwarded-For} (else {@code Forwarded:
 * for=}) that is not itself a trusted proxy. Immutable and thread-safe.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = blocks;
    }

    /**
     * @param cidrs entries like {@code 10.0.0.0/8}, {@code ::1/128} or a bare address
     * @throws IllegalArgumentException naming the first entry that is not a CIDR
     */
    public static TrustedProxies of(List<String> cidrs) {
        if (cidrs.isEmpty()) {
            return NONE;
        }
        List<Block> blocks = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            blocks.add(Block.parse(cidr));
        }
        return new TrustedProxies(List.copyOf(blocks));
    }

    /** @return whether {@code ip} (an address literal) lies in a trusted range; {@code false} for junk */
    public boolean isTrusted(String ip) {
        if (blocks.isEmpty()) {
            return false;
        }
        byte[] address = IpAddresses.parse(ip);
        return address != null && contains(address);
    }

    private boolean contains(byte[] address) {
        for (Block block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param peer      the socket peer's address literal
     * @param headers   the request headers
     * @param peerTrust whether {@code peer} is trusted (from {@link #isTrusted(String)})
     * @return the client address: {@code peer} unless it is a trusted proxy that says otherwise
     */
    public String clientAddress(String peer, MultiMap headers, boolean peerTrust) {
        if (!peerTrust) {
            return peer;
        }
        List<String> forwardedFor = headers.getAll("X-Forwarded-For");
        if (!forwardedFor.isEmpty()) {
            return rightMostUntrusted(peer, splitList(forwardedFor));
        }
        List<String> forwarded = headers.getAll("Forwarded");
        if (!forwarded.isEmpty()) {
            return rightMostUntrusted(peer, forwardedForValues(forwarded));
        }
        return peer;
    }

    private String rightMostUntrusted(String peer, List<String> hops) {
        String closest = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            byte[] address = IpAddresses.parse(hop);
            if (address == null) {
                // Junk in the chain: the last address a trusted hop vouched for is all we can stand behind.
                return closest;
            }
            if (!contains(address)) {
                return hop;
            }
            closest = hop;
        }
        return closest;
    }

    private static List<String> splitList(List<String> values) {
        List<String> out = new ArrayList<>(4);
        for (String value : values) {
            for (String item : value.split(",")) {
                String trimmed = item.trim();
                if (!trimmed.isEmpty()) {
                    out.add(trimmed);
                }
            }
        }
        return out;
    }

    /** Extracts the {@code for=} node of each RFC 7239 element, dropping quotes, brackets and ports. */
    static List<String> forwardedForValues(List<String> values) {
        List<String> out = new ArrayList<>(4);
        for (String element : splitList(values)) {
            for (String pair : element.split(";")) {
                String trimmed = pair.trim();
                if (trimmed.length() > 4 && trimmed.regionMatches(true, 0, "for=", 0, 4)) {
                    out.add(stripNode(trimmed.substring(4).trim()));
                }
            }
        }
        return out;
    }

    private static String stripNode(String node) {
        String value = node;
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            value = value.substring(1, value.length() - 1);
        }
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end > 0 ? value.substring(1, end) : value;
        }
        int colon = value.indexOf(':');
        if (colon > 0 && value.indexOf(':', colon + 1) < 0) {
            return value.substring(0, colon);
        }
        return value;
    }

    private record Block(byte[] network, int prefix) {

        static Block parse(String cidr) {
            String text = cidr.trim();
            int slash = text.indexOf('/');
            byte[] address = IpAddresses.parse(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("trusted proxy is not an IP address or CIDR: " + cidr);
            }
            int max = address.length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > max) {
                    throw new IllegalArgumentException("trusted proxy prefix must be between 0 and " + max
                            + ": " + cidr);
                }
            }
            return new Block(address, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
