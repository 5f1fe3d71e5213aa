package dev.bulwark.gateway.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals without ever resolving a host name, because forwarded headers come from
 * clients and a lookup would block the event loop (and leak requests to DNS).
 *
 * <p>Stateless and thread-safe.
 */
final class IpAddresses {

    private IpAddresses() {
    }

    /**
     * @param text an IPv4 dotted quad or an IPv6 literal, optionally in brackets
     * @return the 4 or 16 address bytes, or {@code null} when {@code text} is not an IP literal
     */
    static byte[] parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        return parseV4(text);
    }

    private static byte[] parseV4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                // Leading zeros are refused: "010" means octal to some parsers and decimal to others.
                if (value == 0) {
                    return null;
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                out[part++] = (byte) value;
                value = -1;
            } else {
                return null;
            }
        }
        if (part != 3 || value < 0) {
            return null;
        }
        out[3] = (byte) value;
        return out;
    }

    private static byte[] parseV6(String text) {
        String literal = text;
        if (literal.charAt(0) == '[') {
            if (literal.charAt(literal.length() - 1) != ']') {
                return null;
            }
            literal = literal.substring(1, literal.length() - 1);
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean allowed = c == ':' || c == '.' || c == '%' || (c >= '0' && c <= '9')
                    || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!allowed) {
                return null;
            }
        }
        try {
            // A string containing ':' is always parsed as a literal by the JDK, never looked up.
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            if (bytes.length == 16 && isV4Mapped(bytes)) {
                return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
            }
            return bytes;
        } catch (UnknownHostException notALiteral) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
