package dev.bulwark.core.iprules;

/**
 * Parses IPv4 and IPv6 address literals into their raw bytes by hand, so that no text ever reaches the JDK
 * resolver: a host name is simply not an address here, and nothing is looked up in DNS or in the network
 * interfaces (which {@code InetAddress} does for zoned IPv6 literals).
 *
 * <p>IPv4 is the dotted quad only: four decimal octets of 0..255 without leading zeros ({@code 010} means
 * octal to some parsers and decimal to others, so it means nothing here) and none of the legacy short forms
 * ({@code 127.1}, {@code 0x7f.0.0.1}, {@code 2130706433}). IPv6 is RFC 4291 text: up to eight groups of one to
 * four hex digits, at most one {@code ::} standing for at least one zero group, optionally ending in an
 * embedded dotted quad. Stateless and thread-safe.
 */
public final class IpLiterals {

    /** Longer than any literal with a sane zone; client addresses beyond this are junk, not addresses. */
    private static final int MAX_CLIENT_LENGTH = 100;

    private IpLiterals() {
    }

    /**
     * Parses a client address as a host reports it, for matching. IPv4-mapped IPv6 addresses
     * ({@code ::ffff:10.0.0.1}) come back as the 4 bytes of the IPv4 address they carry, so they match IPv4
     * rules; a zone ({@code fe80::1%eth0}) is ignored; one pair of surrounding brackets is accepted.
     *
     * @param text an address literal; may be {@code null}
     * @return 4 or 16 bytes, or {@code null} when {@code text} is not an address literal
     */
    public static byte[] parseClient(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_CLIENT_LENGTH) {
            return null;
        }
        int start = 0;
        int end = text.length();
        if (text.charAt(0) == '[') {
            if (text.charAt(end - 1) != ']') {
                return null;
            }
            start = 1;
            end--;
        }
        if (text.indexOf(':', start) < 0) {
            return start == 0 ? parseV4(text, start, end) : null;
        }
        int zone = text.indexOf('%', start);
        if (zone >= 0 && zone < end) {
            // A zone says which link a link-local address lives on; the address is the same on every link.
            if (zone == end - 1) {
                return null;
            }
            end = zone;
        }
        return unmap(parseV6(text, start, end));
    }

    /**
     * Parses an address exactly as written, for configuration: no brackets, no zone, no whitespace, and
     * IPv4-mapped IPv6 addresses stay 16 bytes (the caller decides what they mean).
     *
     * @param text an address literal
     * @return 4 or 16 bytes, or {@code null} when {@code text} is not a plain address literal
     */
    static byte[] parseStrict(String text) {
        if (text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseV6(text, 0, text.length()) : parseV4(text, 0, text.length());
    }

    /** @return whether {@code address} is 16 bytes of the form {@code ::ffff:a.b.c.d} */
    static boolean isV4Mapped(byte[] address) {
        if (address.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private static byte[] unmap(byte[] address) {
        if (address != null && isV4Mapped(address)) {
            return new byte[] {address[12], address[13], address[14], address[15]};
        }
        return address;
    }

    private static byte[] parseV4(String text, int start, int end) {
        byte[] out = new byte[4];
        return parseV4Into(text, start, end, out, 0) ? out : null;
    }

    private static boolean parseV4Into(String text, int start, int end, byte[] out, int offset) {
        int part = 0;
        int value = -1;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (value == 0) {
                    return false;
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                out[offset + part++] = (byte) value;
                value = -1;
            } else {
                return false;
            }
        }
        if (part != 3 || value < 0) {
            return false;
        }
        out[offset + 3] = (byte) value;
        return true;
    }

    private static byte[] parseV6(String text, int start, int end) {
        byte[] out = new byte[16];
        int groups = 0;
        int gap = -1;
        int i = start;
        if (end - start < 2) {
            return null;
        }
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
        }
        while (i < end) {
            if (groups == 8) {
                return null;
            }
            int groupStart = i;
            int value = 0;
            while (i < end && hex(text.charAt(i)) >= 0) {
                if (i - groupStart < 4) {
                    value = (value << 4) | hex(text.charAt(i));
                }
                i++;
            }
            int digits = i - groupStart;
            if (i < end && text.charAt(i) == '.') {
                // An embedded dotted quad fills the last 32 bits and ends the literal.
                if (groups > 6 || !parseV4Into(text, groupStart, end, out, groups * 2)) {
                    return null;
                }
                groups += 2;
                break;
            }
            if (digits == 0 || digits > 4) {
                return null;
            }
            out[groups * 2] = (byte) (value >> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == end) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < end && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = groups;
                i++;
            } else if (i == end) {
                return null;
            }
        }
        if (gap < 0) {
            return groups == 8 ? out : null;
        }
        if (groups == 8) {
            // "::" must stand for at least one group of zeros.
            return null;
        }
        int tailBytes = (groups - gap) * 2;
        byte[] expanded = new byte[16];
        System.arraycopy(out, 0, expanded, 0, gap * 2);
        System.arraycopy(out, gap * 2, expanded, 16 - tailBytes, tailBytes);
        return expanded;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
