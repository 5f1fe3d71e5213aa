package dev.bulwark.core.edge;

/**
 * RFC 9110 §5.6.2 tokens, the syntax of header names, media types and parameter names: one or more of
 * letters, digits and {@code !#$%&'*+-.^_`|~}. Stateless.
 */
public final class HttpTokens {

    private static final String SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpTokens() {
    }

    /** @return whether {@code c} may appear in a token ({@code tchar}) */
    public static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SYMBOLS.indexOf(c) >= 0;
    }

    /** @return the index of the first character at or after {@code from} that is not a token character */
    public static int tokenEnd(CharSequence s, int from) {
        int i = from;
        while (i < s.length() && isTokenChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** @return whether {@code s[from, to)} is a token: not empty, token characters only */
    public static boolean isToken(CharSequence s, int from, int to) {
        return to > from && tokenEnd(s, from) >= to;
    }

    /** @return whether all of {@code s} is a token */
    public static boolean isToken(CharSequence s) {
        return isToken(s, 0, s.length());
    }
}
