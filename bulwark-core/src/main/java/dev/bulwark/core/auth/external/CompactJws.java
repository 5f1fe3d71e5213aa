package dev.bulwark.core.auth.external;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.bulwark.core.auth.token.TokenFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Shape checks and the one unverified peek (at {@code iss}) done before a token's verifier is known. */
final class CompactJws {

    /** The unverified {@code iss}, or why it could not be read ({@code issuer} is then {@code null}). */
    record Peek(String issuer, TokenFailure failure) {
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Peek MALFORMED = new Peek(null, TokenFailure.MALFORMED);
    private static final Peek NO_ISSUER = new Peek(null, TokenFailure.WRONG_ISSUER);

    private CompactJws() {
    }

    /**
     * Reads the top-level {@code iss} of a compact JWS payload without verifying anything, to choose who verifies.
     * Streams the JSON (nested values are skipped, not built), refuses a repeated {@code iss}, a non-string one
     * and trailing content. Never throws.
     *
     * @param token a token that passed {@link dev.bulwark.core.auth.token.ParsedJws#isCompactJws}
     */
    static Peek unverifiedIssuer(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        String payload;
        try {
            // Decoded as UTF-8 text first, as the verifiers do, so both read the same characters.
            payload = new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badBase64) {
            return MALFORMED;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return MALFORMED;
            }
            String issuer = null;
            boolean seen = false;
            JsonToken next;
            while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("iss".equals(name)) {
                    if (seen || value != JsonToken.VALUE_STRING) {
                        return MALFORMED;
                    }
                    seen = true;
                    issuer = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (next != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return MALFORMED;
            }
            return issuer == null ? NO_ISSUER : new Peek(issuer, null);
        } catch (IOException | RuntimeException | StackOverflowError malformed) {
            return MALFORMED;
        }
    }
}
