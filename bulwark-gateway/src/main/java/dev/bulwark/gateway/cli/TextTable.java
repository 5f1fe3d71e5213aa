package dev.bulwark.gateway.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints rows as aligned, space-separated columns under an upper-case header, like {@code kubectl get}. Control
 * and invisible formatting characters in cells are shown escaped (backslash, {@code u}, four hex digits), so a
 * stored value (an email registered over HTTP) cannot move the cursor, recolour the operator's terminal or
 * reverse the text around it. Not thread-safe.
 */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    /** @throws IllegalArgumentException when the row does not have one cell per column */
    TextTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row must have " + columns + " cells: " + cells.length);
        }
        String[] shown = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            shown[i] = printable(cells[i]);
        }
        rows.add(shown);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** @return {@code value} with control characters escaped; {@code -} for null or empty */
    static String printable(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** @return an instant as ISO-8601 UTC to the second, {@code -} for null */
    static String time(Instant instant) {
        return instant == null ? "-" : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** @return {@code PT15M30S} as {@code 15m30s} */
    static String duration(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }
}
