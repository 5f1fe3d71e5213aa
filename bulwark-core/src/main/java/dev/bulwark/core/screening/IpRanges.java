package dev.bulwark.core.screening;

import dev.bulwark.core.iprules.Cidr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A large set of {@link Cidr} blocks compiled for lookup: each family's blocks become address ranges, sorted and
 * merged where they overlap, so a lookup is one binary search (about 17 comparisons for 100,000 blocks) instead of
 * a scan of every block as {@link dev.bulwark.core.iprules.CidrSet} does for short configured lists.
 *
 * <p>IPv4 addresses match IPv4 blocks only and IPv6 addresses IPv6 blocks only; {@link Cidr} already stores an
 * IPv4-mapped block as IPv4, and {@link dev.bulwark.core.iprules.IpLiterals#parseClient} returns a mapped client as
 * its 4 IPv4 bytes. Immutable and thread-safe.
 */
final class IpRanges {

    static final IpRanges EMPTY = of(List.of());

    /** IPv4 range starts and ends, unsigned values in longs, sorted by start, not overlapping. */
    private final long[] v4Starts;
    private final long[] v4Ends;
    /** IPv6 range starts and ends as high and low halves, sorted by start (unsigned), not overlapping. */
    private final long[] v6StartHigh;
    private final long[] v6StartLow;
    private final long[] v6EndHigh;
    private final long[] v6EndLow;
    private final int blocks;

    private IpRanges(long[][] v4, long[][] v6, int blocks) {
        this.v4Starts = v4[0];
        this.v4Ends = v4[1];
        this.v6StartHigh = v6[0];
        this.v6StartLow = v6[1];
        this.v6EndHigh = v6[2];
        this.v6EndLow = v6[3];
        this.blocks = blocks;
    }

    /** @return the ranges covering exactly the addresses of {@code cidrs} */
    static IpRanges of(List<Cidr> cidrs) {
        List<long[]> four = new ArrayList<>();
        List<long[]> six = new ArrayList<>();
        for (Cidr cidr : cidrs) {
            byte[] network = cidr.network();
            int prefix = cidr.prefix();
            if (cidr.isIpv4()) {
                long start = intAt(network, 0) & 0xffffffffL;
                long size = 1L << (32 - prefix);
                four.add(new long[] {start, start + size - 1});
            } else {
                long high = longAt(network, 0);
                long low = longAt(network, 8);
                long highMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
                long lowMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
                six.add(new long[] {high, low, high | ~highMask, low | ~lowMask});
            }
        }
        return new IpRanges(mergeV4(four), mergeV6(six), cidrs.size());
    }

    private static long[][] mergeV4(List<long[]> ranges) {
        ranges.sort(Comparator.comparingLong(range -> range[0]));
        long[] starts = new long[ranges.size()];
        long[] ends = new long[ranges.size()];
        int count = 0;
        for (long[] range : ranges) {
            if (count > 0 && range[0] <= ends[count - 1] + 1) {
                ends[count - 1] = Math.max(ends[count - 1], range[1]);
            } else {
                starts[count] = range[0];
                ends[count++] = range[1];
            }
        }
        return new long[][] {Arrays.copyOf(starts, count), Arrays.copyOf(ends, count)};
    }

    private static long[][] mergeV6(List<long[]> ranges) {
        ranges.sort((a, b) -> compare(a[0], a[1], b[0], b[1]));
        long[][] out = new long[4][ranges.size()];
        int count = 0;
        for (long[] range : ranges) {
            if (count > 0 && compare(range[0], range[1], out[2][count - 1], out[3][count - 1]) <= 0) {
                if (compare(range[2], range[3], out[2][count - 1], out[3][count - 1]) > 0) {
                    out[2][count - 1] = range[2];
                    out[3][count - 1] = range[3];
                }
            } else {
                for (int i = 0; i < 4; i++) {
                    out[i][count] = range[i];
                }
                count++;
            }
        }
        for (int i = 0; i < 4; i++) {
            out[i] = Arrays.copyOf(out[i], count);
        }
        return out;
    }

    /** @return the number of blocks this set was built from (before merging) */
    int blocks() {
        return blocks;
    }

    /**
     * @param address 4 or 16 address bytes, as {@link dev.bulwark.core.iprules.IpLiterals#parseClient} returns them
     * @return whether it lies in one of the blocks; {@code false} for {@code null} or any other length
     */
    boolean contains(byte[] address) {
        if (address == null) {
            return false;
        }
        if (address.length == 4) {
            long value = intAt(address, 0) & 0xffffffffL;
            int i = lastStartAtOrBelow(value);
            return i >= 0 && value <= v4Ends[i];
        }
        if (address.length == 16) {
            long high = longAt(address, 0);
            long low = longAt(address, 8);
            int lo = 0;
            int hi = v6StartHigh.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (compare(v6StartHigh[mid], v6StartLow[mid], high, low) <= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found >= 0 && compare(high, low, v6EndHigh[found], v6EndLow[found]) <= 0;
        }
        return false;
    }

    private int lastStartAtOrBelow(long value) {
        int lo = 0;
        int hi = v4Starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (v4Starts[mid] <= value) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
        int high = Long.compareUnsigned(aHigh, bHigh);
        return high != 0 ? high : Long.compareUnsigned(aLow, bLow);
    }

    private static int intAt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8
                | (bytes[offset + 3] & 0xff);
    }

    private static long longAt(byte[] bytes, int offset) {
        return (long) intAt(bytes, offset) << 32 | (intAt(bytes, offset + 4) & 0xffffffffL);
    }
}
