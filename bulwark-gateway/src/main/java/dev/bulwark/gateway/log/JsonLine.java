package dev.bulwark.gateway.log;

/**
 * Builds one flat JSON object per log line without a JSON library, because it runs once per request.
 *
 * <p>Escapes control characters (so a hostile value can never start a new log line) and truncates long
 * strings. Not thread-safe; create one per line.
 */
final class JsonLine {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(256).append('{');
    private boolean first = true;

    JsonLine field(String name, String value, int maxLength) {
        if (value == null) {
            return this;
        }
        key(name);
        out.append('"');
        int length = Math.min(value.length(), maxLength);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > maxLength) {
            out.append("...");
        }
        out.append('"');
        return this;
    }

    JsonLine field(String name, String value) {
        return field(name, value, 512);
    }

    JsonLine field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    private void key(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        out.append('"').append(name).append("\":");
    }

    @Override
    public String toString() {
        return out.toString() + '}';
    }
}
