package dev.bulwark.core.admin;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * One page of a keyset-paginated admin listing, as asked for with {@code ?limit=&cursor=}.
 *
 * <p>Cursors handed to clients are the store's keyset cursor (the last entry's sort key) in unpadded base64url:
 * opaque, safe in a URL without escaping, and checked on the way back in. Immutable.
 *
 * @param limit the page size, 1 to {@link #MAX_LIMIT}
 * @param after the store cursor to continue after, or {@code null} for the first page
 */
record PageRequest(int limit, String after) {

    /** The page size when none is asked for. */
    static final int DEFAULT_LIMIT = 50;
    /** The largest page, the stores' own maximum. */
    static final int MAX_LIMIT = 1000;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]{1,2048}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,4}");

    /**
     * Reads {@code limit} and {@code cursor}; nothing else may be in the query.
     *
     * @param rawQuery the raw query string, or {@code null}
     * @throws JsonInput.InvalidInput naming the parameter that is malformed, repeated or unknown
     */
    static PageRequest parse(String rawQuery) {
        int limit = DEFAULT_LIMIT;
        String after = null;
        boolean limitSeen = false;
        boolean cursorSeen = false;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                switch (name) {
                    case "limit" -> {
                        if (limitSeen) {
                            throw new JsonInput.InvalidInput("limit: is given twice");
                        }
                        limitSeen = true;
                        limit = DIGITS.matcher(value).matches() ? Integer.parseInt(value) : 0;
                        if (limit < 1 || limit > MAX_LIMIT) {
                            throw new JsonInput.InvalidInput("limit: must be a whole number from 1 to " + MAX_LIMIT);
                        }
                    }
                    case "cursor" -> {
                        if (cursorSeen) {
                            throw new JsonInput.InvalidInput("cursor: is given twice");
                        }
                        cursorSeen = true;
                        after = decode(value);
                    }
                    default -> throw new JsonInput.InvalidInput(
                            "the query has an unknown parameter (expected only limit and cursor)");
                }
            }
        }
        return new PageRequest(limit, after);
    }

    /** @return the cursor to hand to the client for {@code storeCursor}, or {@code null} on the last page */
    static String cursor(String storeCursor) {
        return storeCursor == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(storeCursor.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        String bad = "cursor: is not a cursor from a previous page";
        if (!BASE64URL.matcher(cursor).matches()) {
            throw new JsonInput.InvalidInput(bad);
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new JsonInput.InvalidInput(bad);
        }
    }
}
