package dev.bulwark.core.iprules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of {@link Cidr} blocks compiled for matching: IPv4 blocks as {@code int} network/mask pairs, IPv6
 * blocks as pairs of {@code long}s, so a lookup is a few integer comparisons per block of the address's
 * family, with no strings, no allocation beyond parsing the address, and no DNS.
 *
 * <p>An IPv4 address matches IPv4 blocks only and an IPv6 address IPv6 blocks only; an IPv4-mapped IPv6 client
 * ({@code ::ffff:10.0.0.1}) is an IPv4 address here. {@code 0.0.0.0/0} therefore matches every IPv4 client and
 * {@code ::/0} every IPv6 client. Immutable and thread-safe.
 */
public final class CidrSet {

    /** The set that contains nothing. */
    public static final CidrSet EMPTY = new CidrSet(List.of());

    private final List<Cidr> cidrs;
    private final int[] v4Networks;
    private final int[] v4Masks;
    /** Per IPv6 block: network high, network low, mask high, mask low. */
    private final long[] v6;

    private CidrSet(List<Cidr> cidrs) {
        this.cidrs = cidrs;
        int v4Count = (int) cidrs.stream().filter(Cidr::isIpv4).count();
        this.v4Networks = new int[v4Count];
        this.v4Masks = new int[v4Count];
        this.v6 = new long[(cidrs.size() - v4Count) * 4];
        int four = 0;
        int six = 0;
        for (Cidr cidr : cidrs) {
            byte[] network = cidr.network();
            if (cidr.isIpv4()) {
                v4Masks[four] = cidr.prefix() == 0 ? 0 : -1 << (32 - cidr.prefix());
                v4Networks[four++] = intAt(network, 0);
            } else {
                int prefix = cidr.prefix();
                v6[six] = longAt(network, 0);
                v6[six + 1] = longAt(network, 8);
                v6[six + 2] = prefix == 0 ? 0 : -1L << (64 - Math.min(64, prefix));
                v6[six + 3] = prefix <= 64 ? 0 : -1L << (128 - prefix);
                six += 4;
            }
        }
    }

    /**
     * @param cidrs blocks as configured (see {@link Cidr#parse})
     * @return the compiled set; {@link #EMPTY} for an empty list
     * @throws IllegalArgumentException naming the first entry that is not a valid block
     */
    public static CidrSet parse(Collection<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            parsed.add(Cidr.parse(cidr));
        }
        return of(parsed);
    }

    /** @return the compiled set of {@code cidrs}, duplicates dropped; {@link #EMPTY} when there are none */
    public static CidrSet of(Collection<Cidr> cidrs) {
        Set<Cidr> unique = new LinkedHashSet<>(cidrs);
        return unique.isEmpty() ? EMPTY : new CidrSet(List.copyOf(unique));
    }

    /** @return a set holding the blocks of both sets */
    public CidrSet union(CidrSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        List<Cidr> both = new ArrayList<>(cidrs);
        both.addAll(other.cidrs);
        return of(both);
    }

    /** @return whether the set holds no block (and so contains no address) */
    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    /** @return the blocks, in configuration order */
    public List<Cidr> cidrs() {
        return cidrs;
    }

    /**
     * @param address a client address literal; zones are ignored, IPv4-mapped IPv6 is matched as IPv4
     * @return whether it lies in one of the blocks; {@code false} when it is not an address literal
     */
    public boolean contains(String address) {
        return contains(IpLiterals.parseClient(address));
    }

    /**
     * @param address 4 or 16 address bytes, as {@link IpLiterals#parseClient} returns them
     * @return whether it lies in one of the blocks; {@code false} for {@code null} or any other length
     */
    public boolean contains(byte[] address) {
        if (address == null) {
            return false;
        }
        if (address.length == 4) {
            int value = intAt(address, 0);
            for (int i = 0; i < v4Networks.length; i++) {
                if ((value & v4Masks[i]) == v4Networks[i]) {
                    return true;
                }
            }
            return false;
        }
        if (address.length == 16) {
            long high = longAt(address, 0);
            long low = longAt(address, 8);
            for (int i = 0; i < v6.length; i += 4) {
                if ((high & v6[i + 2]) == v6[i] && (low & v6[i + 3]) == v6[i + 1]) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int intAt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8
                | (bytes[offset + 3] & 0xff);
    }

    private static long longAt(byte[] bytes, int offset) {
        return (long) intAt(bytes, offset) << 32 | (intAt(bytes, offset + 4) & 0xffffffffL);
    }

    /** @return the blocks as written, e.g. {@code [10.0.0.0/8, ::1]} */
    @Override
    public String toString() {
        return cidrs.toString();
    }
}
