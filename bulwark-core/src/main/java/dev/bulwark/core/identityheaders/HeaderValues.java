package dev.bulwark.core.identityheaders;

import java.nio.charset.StandardCharsets;

/**
 * Makes identity values safe to send as header values. Stateless.
 *
 * <p>Ids from external issuers may hold anything JSON allows: a CR/LF would split the header, a comma would add
 * a role, non-ASCII would be mangled by hops that read headers as ISO-8859-1. So every byte of the value's UTF-8
 * form outside visible ASCII, and {@code %}, {@code ,} and {@code +}, is percent-encoded ({@code %2C}); everything
 * else, and so ordinary ids, passes unchanged. Any percent-decoder (including form decoders, since {@code +} is
 * encoded) restores the value exactly.
 */
final class HeaderValues {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderValues() {
    }

    /** @return {@code value} itself when nothing needs encoding, otherwise its percent-encoded form */
    static String encode(String value) {
        int length = value.length();
        int i = 0;
        while (i < length && isPlain(value.charAt(i))) {
            i++;
        }
        if (i == length) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x80 && isPlain((char) c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isPlain(char c) {
        return c > 0x20 && c < 0x7f && c != '%' && c != ',' && c != '+';
    }
}
