package dev.bulwark.core.iprules;

import dev.bulwark.core.config.ConfigProblem;

import java.util.Arrays;

/**
 * One block of IP addresses, {@code network/prefix}, parsed strictly from configuration text.
 *
 * <p>Accepted: {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a bare address meaning {@code /32} or
 * {@code /128}. An IPv4-mapped IPv6 block with a prefix of at least 96 ({@code ::ffff:10.0.0.0/104}) is stored
 * as the IPv4 block it covers ({@code 10.0.0.0/8}), because clients arriving as {@code ::ffff:a.b.c.d} are
 * matched as IPv4. Refused, with a message quoting the text: anything with whitespace, brackets or a zone
 * ({@code %eth0}), host names (never resolved), IPv4 octets above 255 or with leading zeros, prefixes that
 * are not 0..32 (IPv4) or 0..128 (IPv6), and blocks with bits set after the prefix ({@code 10.0.0.1/8}),
 * which are usually a typo for a different block. Immutable and thread-safe.
 */
public final class Cidr {

    static final String EXPECTED = " (expected an IP address or CIDR such as 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)";

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * @param text the block as configured
     * @return the parsed block
     * @throws IllegalArgumentException when {@code text} is not a block as described above; the message quotes
     *                                  it and says what was expected
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("null is not a CIDR" + EXPECTED);
        }
        String shown = ConfigProblem.quote(text);
        if (text.isEmpty()) {
            throw new IllegalArgumentException(shown + " is empty" + EXPECTED);
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) || Character.isSpaceChar(text.charAt(i))) {
                throw new IllegalArgumentException(shown + " contains whitespace" + EXPECTED);
            }
        }
        if (text.indexOf('%') >= 0) {
            throw new IllegalArgumentException(shown + " has a zone; write the address without %zone"
                    + " (zones are ignored when matching)");
        }
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        byte[] address = IpLiterals.parseStrict(literal);
        if (address == null) {
            throw new IllegalArgumentException(shown + " is not an IP address or CIDR" + EXPECTED
                    + "; host names are not resolved");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            prefix = prefixLength(text.substring(slash + 1), bits);
            if (prefix < 0) {
                throw new IllegalArgumentException(shown + " has an invalid prefix length (expected 0.." + bits + ")");
            }
        }
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException(shown + " has bits set after the /" + prefix + " prefix (did you mean "
                    + format(masked) + "/" + prefix + "?)");
        }
        if (IpLiterals.isV4Mapped(address) && prefix >= 96) {
            return new Cidr(Arrays.copyOfRange(address, 12, 16), prefix - 96, text);
        }
        return new Cidr(address, prefix, text);
    }

    /** @return the prefix length, or -1 when {@code digits} is not a decimal number in 0..bits */
    private static int prefixLength(String digits, int bits) {
        if (digits.isEmpty() || digits.length() > 3) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        // "08" and "032" are refused like leading-zero octets: nobody means them on purpose.
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            return -1;
        }
        return value <= bits ? value : -1;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff00 >> keep);
        }
        return out;
    }

    /** Formats an address for messages: dotted quad, or eight full hex groups (unambiguous if not pretty). */
    private static String format(byte[] address) {
        StringBuilder out = new StringBuilder();
        if (address.length == 4) {
            for (int i = 0; i < 4; i++) {
                out.append(i == 0 ? "" : ".").append(address[i] & 0xff);
            }
            return out.toString();
        }
        for (int i = 0; i < 16; i += 2) {
            out.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff)));
        }
        return out.toString();
    }

    /** @return whether this is an IPv4 block (including one written as IPv4-mapped IPv6) */
    public boolean isIpv4() {
        return network.length == 4;
    }

    /** @return the prefix length: 0..32 for IPv4, 0..128 for IPv6 */
    public int prefix() {
        return prefix;
    }

    /** @return a copy of the network address: 4 or 16 bytes, zero after the prefix */
    public byte[] network() {
        return network.clone();
    }

    /**
     * @param address 4 or 16 address bytes, as {@link IpLiterals#parseClient} returns them
     * @return whether the address lies in this block; {@code false} for the other family or any other length
     */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
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

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefix == that.prefix && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /** @return the block as it was written */
    @Override
    public String toString() {
        return text;
    }
}
