package dev.bulwark.core.waf;

import java.util.Locale;
import java.util.Set;

/**
 * Recognizes SQL injection in one parameter value by its token shape, the way libinjection does: the value is
 * tokenized as SQL three times (as it is, as if it followed an opening {@code '}, as if it followed an opening
 * {@code "}), and it is an injection when, in one of those contexts, its tokens leave the literal they were meant to
 * stay in and go on as SQL: a boolean condition ({@code ' or '1'='1}, {@code 1 or 1=1}), a comment or statement end
 * right after the literal ({@code admin'--}, {@code '; drop table users}), {@code union select}, a stacked statement,
 * {@code order by} probing, or a call to the timing and file functions blind injection uses ({@code sleep(5)},
 * {@code benchmark(...)}, {@code pg_sleep}, {@code waitfor delay}, {@code load_file}).
 *
 * <p>Why not a library: no maintained Java port of libinjection is published on Maven Central (the ports on
 * GitHub are unpublished, and Datadog's libddwaf bindings are native and not on Central), and parsing candidate
 * statements with a SQL parser costs milliseconds per value. This detector is small, allocation-light, linear in
 * the value's length (only the first {@link #MAX_TOKENS} tokens of each context are looked at) and has no regular
 * expressions; its detection and false-positive rates on public corpora are in {@code docs/benchmarks.md}.
 * Stateless and thread-safe.
 */
final class SqliDetector {

    /** Injections show their shape within the first few dozen tokens; the rest is padding. */
    static final int MAX_TOKENS = 48;

    private static final Set<String> LOGIC = Set.of("or", "and", "xor", "||", "&&");
    private static final Set<String> COMPARE_WORDS = Set.of("like", "rlike", "regexp", "is", "between", "in",
            "sounds");
    private static final Set<String> LITERAL_WORDS = Set.of("true", "false", "null");
    private static final Set<String> PROBE_FUNCTIONS = Set.of("sleep", "benchmark", "pg_sleep", "load_file",
            "extractvalue", "updatexml", "dbms_pipe", "utl_inaddr", "utl_http", "xp_cmdshell", "randomblob",
            "make_set", "elt", "exp", "gtid_subset", "json_keys", "ascii", "substring", "substr", "mid", "ord",
            "char", "chr", "concat", "version", "database", "user", "current_user", "schema", "if", "iif", "case",
            "count", "length", "hex", "unhex", "md5", "cast", "convert");
    private static final Set<String> SUSPICIOUS_WORDS = Set.of("information_schema", "sysobjects", "syscolumns",
            "pg_catalog", "sqlite_master", "mysql.user", "xp_cmdshell", "sp_executesql", "utl_http", "utl_inaddr",
            "dbms_pipe");

    private enum Type { STRING, OPEN_STRING, NUMBER, WORD, VARIABLE, COMPARE, LOGIC, OPERATOR, COMMENT, SEMICOLON,
        OPEN, CLOSE, COMMA, OTHER }

    private SqliDetector() {
    }

    /**
     * @param value one decoded parameter value
     * @return whether it is a SQL injection in one of the three contexts
     */
    static boolean isSqli(String value) {
        if (value.length() < 2 || plain(value)) {
            return false;
        }
        if (injects(new Tokens(value, (char) 0))) {
            return true;
        }
        return (value.indexOf('\'') >= 0 && injects(new Tokens(value, '\'')))
                || (value.indexOf('"') >= 0 && injects(new Tokens(value, '"')));
    }

    /**
     * @return whether no rule can match: no SQL punctuation at all, and none of the keywords that need none
     *     ({@code union}, {@code waitfor}, the suspicious names). Most values take this path.
     */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
            switch (value.charAt(i)) {
                case '\'', '"', '`', '(', ')', ';', '=', '<', '>', '!', '#', '|', '&' -> {
                    return false;
                }
                // "AB-123", "a/b" and "me@example.com" are everywhere; only "--", "/*" and "@@" matter
                case '-' -> {
                    if (next == '-') {
                        return false;
                    }
                }
                case '/' -> {
                    if (next == '*') {
                        return false;
                    }
                }
                case '@' -> {
                    if (next == '@') {
                        return false;
                    }
                }
                default -> {
                }
            }
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.contains("union") || lower.contains("waitfor")) {
            return false;
        }
        for (String word : SUSPICIOUS_WORDS) {
            if (lower.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /** The shapes that make a token sequence an injection; {@code tokens.quoted} marks the string contexts. */
    private static boolean injects(Tokens t) {
        int n = t.count;
        for (int i = 0; i < n; i++) {
            String word = t.texts[i];
            if (t.types[i] == Type.WORD || t.types[i] == Type.VARIABLE) {
                if (suspicious(word)) {
                    return true;
                }
                if (word.equals("union") && next(t, i, "select", "all", "distinct", "(")) {
                    return true;
                }
                if (isCall(t, i) && PROBE_FUNCTIONS.contains(word) && probeCall(t, i)) {
                    return true;
                }
                if (word.equals("waitfor") && next(t, i, "delay", "time")) {
                    return true;
                }
            }
            if (t.types[i] == Type.SEMICOLON && statement(t, i + 1)) {
                return true;
            }
        }
        int start = 0;
        if (t.quoted || n > 1 && t.types[0] == Type.STRING) {
            // The first token is a string (the context's, or the value's own): what follows it is outside the literal.
            if (n == 0 || t.types[0] != Type.STRING) {
                return false;
            }
            start = 1;
            while (start < n && t.types[start] == Type.CLOSE) {
                start++;
            }
            if (start == n) {
                return false;
            }
            if (!t.quoted) {
                // The value's own leading string ("A quote." -- Author) is prose as often as not: only a boolean
                // condition after it counts, not a comment or a semicolon.
                return t.types[start] == Type.LOGIC && condition(t, start + 1);
            }
            Type after = t.types[start];
            if (after == Type.COMMENT || after == Type.SEMICOLON) {
                return true;
            }
            if (after == Type.WORD && t.texts[start].equals("select")
                    || after == Type.OPEN && start + 1 < n && t.texts[start + 1].equals("select")) {
                return true;
            }
            String word = t.texts[start];
            if (after == Type.WORD && (word.equals("order") || word.equals("group")) && next(t, start, "by")
                    || word.equals("having") || word.equals("limit") || word.equals("procedure")
                    || word.equals("into") && next(t, start, "outfile", "dumpfile")) {
                return true;
            }
            if (after == Type.COMPARE || after == Type.OPERATOR && (word.equals("+") || word.equals("||"))) {
                return condition(t, start);
            }
        } else if (n > 0 && t.types[0] == Type.LOGIC) {
            // " or 1=1--": a value written to be appended after the application's own.
            return condition(t, 1);
        } else if (n > 0 && (t.types[0] == Type.NUMBER || t.types[0] == Type.OPEN || t.types[0] == Type.OPERATOR)) {
            int first = 0;
            while (first < n && (t.types[first] == Type.OPERATOR || t.types[first] == Type.OPEN)) {
                first++;
            }
            if (first < n && t.types[first] == Type.NUMBER) {
                start = first + 1;
                while (start < n && t.types[start] == Type.CLOSE) {
                    start++;
                }
                if (start < n && t.types[start] == Type.COMMENT && start == n - 1 && t.texts[start].equals("--")) {
                    return true;
                }
            } else {
                return false;
            }
        } else {
            return false;
        }
        return start < n && t.types[start] == Type.LOGIC && condition(t, start + 1);
    }

    /**
     * @return whether the tokens from {@code from} form a condition an injection would append: a comparison between
     *     literals or a literal that ends the input, a probe call, or a literal followed by a comment
     */
    private static boolean condition(Tokens t, int from) {
        int n = t.count;
        int i = from;
        while (i < n && (t.types[i] == Type.OPEN || t.types[i] == Type.OPERATOR && t.texts[i].equals("not")
                || t.types[i] == Type.WORD && t.texts[i].equals("not"))) {
            i++;
        }
        if (i >= n) {
            return false;
        }
        if (t.types[i] == Type.WORD && (isCall(t, i) && PROBE_FUNCTIONS.contains(t.texts[i])
                || t.texts[i].equals("select") && i > from && t.types[i - 1] == Type.OPEN)) {
            return true;
        }
        boolean literal = isLiteral(t, i);
        if (i + 1 >= n) {
            return literal && t.quoted;
        }
        Type next = t.types[i + 1];
        if (next == Type.COMPARE) {
            // In a string context the breakout is established: "' or a=a--" needs no literal.
            boolean operand = literal || t.quoted && t.types[i] == Type.WORD;
            return i + 2 < n && (isLiteral(t, i + 2) || t.types[i + 2] == Type.OPEN_STRING
                    || t.types[i + 2] == Type.WORD && (isCall(t, i + 2) || operand && t.quoted)
                    || t.types[i + 2] == Type.OPEN && operand)
                    || literal && i + 2 == n;
        }
        if (literal && (next == Type.COMMENT || next == Type.SEMICOLON)) {
            return true;
        }
        return literal && next == Type.CLOSE && (i + 2 == n || t.types[i + 2] == Type.COMMENT);
    }

    /** Catalog names, system procedures and server variables appear in prose as rarely as in honest input. */
    private static boolean suspicious(String word) {
        if (word.startsWith("@@")) {
            return true;
        }
        for (String name : SUSPICIOUS_WORDS) {
            if (word.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLiteral(Tokens t, int i) {
        Type type = t.types[i];
        return type == Type.NUMBER || type == Type.STRING || (type == Type.OPEN_STRING && t.quoted)
                || type == Type.WORD && LITERAL_WORDS.contains(t.texts[i]);
    }

    /** A probe function counts when its arguments look like an attack's: numbers, literals or nested calls. */
    private static boolean probeCall(Tokens t, int i) {
        if (i + 2 >= t.count) {
            return false;
        }
        Type argument = t.types[i + 2];
        String name = t.texts[i];
        boolean timing = name.equals("sleep") || name.equals("pg_sleep") || name.equals("benchmark");
        if (timing) {
            // sleep(5), benchmark(1000000,md5(1)); "Sleep (8 hours) well" is prose
            return argument == Type.NUMBER && i + 3 < t.count
                    && (t.types[i + 3] == Type.CLOSE || t.types[i + 3] == Type.COMMA);
        }
        boolean strong = name.equals("load_file") || name.equals("extractvalue") || name.equals("updatexml")
                || name.equals("xp_cmdshell") || name.equals("dbms_pipe") || name.equals("utl_inaddr")
                || name.equals("utl_http");
        return strong && (argument == Type.STRING || argument == Type.NUMBER || argument == Type.WORD
                || argument == Type.VARIABLE);
    }

    private static boolean isCall(Tokens t, int i) {
        return i + 1 < t.count && t.types[i + 1] == Type.OPEN;
    }

    private static boolean next(Tokens t, int i, String... words) {
        if (i + 1 >= t.count) {
            return false;
        }
        for (String word : words) {
            if (t.texts[i + 1].equals(word)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a stacked statement starts at {@code i}: a statement keyword with the words it needs */
    private static boolean statement(Tokens t, int i) {
        if (i >= t.count || t.types[i] != Type.WORD) {
            return false;
        }
        String needs = switch (t.texts[i]) {
            case "select", "delete" -> "from";
            case "insert" -> "into";
            case "update" -> "set";
            case "drop", "create", "alter", "truncate" -> "table|database|user|procedure|function|view|schema|index";
            case "exec", "execute" -> "*";
            case "declare" -> "@";
            case "shutdown" -> "";
            case "waitfor" -> "delay|time";
            default -> null;
        };
        if (needs == null) {
            return false;
        }
        if (needs.isEmpty()) {
            return i + 1 == t.count || t.types[i + 1] == Type.COMMENT;
        }
        for (int j = i + 1; j < Math.min(t.count, i + 8); j++) {
            if (needs.equals("*") || needs.equals("@") && t.types[j] == Type.VARIABLE) {
                return true;
            }
            for (String word : needs.split("\\|")) {
                if (t.texts[j].equals(word)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The first {@link #MAX_TOKENS} SQL tokens of a value, optionally after an opening quote. */
    private static final class Tokens {
        Type[] types = new Type[8];
        String[] texts = new String[8];
        final boolean quoted;
        int count;
        private final String s;
        private int pos;

        Tokens(String value, char quote) {
            this.s = value;
            this.quoted = quote != 0;
            if (quoted) {
                int end = stringEnd(0, quote);
                add(end < 0 ? Type.OPEN_STRING : Type.STRING, "");
                pos = end < 0 ? s.length() : end + 1;
            }
            while (pos < s.length() && count < MAX_TOKENS) {
                scan();
            }
        }

        /** @return the index of the quote closing a string whose body starts at {@code from}, or -1 */
        private int stringEnd(int from, char quote) {
            int i = from;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i += 2;
                } else if (c == quote) {
                    if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                        i += 2;
                    } else {
                        return i;
                    }
                } else {
                    i++;
                }
            }
            return -1;
        }

        private void scan() {
            char c = s.charAt(pos);
            if (Character.isWhitespace(c) || c == '\u00a0') {
                pos++;
            } else if (c == '\'' || c == '"') {
                int end = stringEnd(pos + 1, c);
                add(end < 0 ? Type.OPEN_STRING : Type.STRING, "");
                pos = end < 0 ? s.length() : end + 1;
            } else if (c == '`') {
                int end = s.indexOf('`', pos + 1);
                add(Type.WORD, end < 0 ? "" : lower(pos + 1, end));
                pos = end < 0 ? s.length() : end + 1;
            } else if (c == '/' && at(pos + 1) == '*') {
                if (at(pos + 2) == '!') {
                    // MySQL runs /*!...*/ as code: read on inside it as if the markers were spaces.
                    pos += 3;
                    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                        pos++;
                    }
                } else {
                    // A closed comment separates tokens like a space (UNION/**/SELECT); an open one ends the query.
                    int end = s.indexOf("*/", pos + 2);
                    if (end < 0) {
                        add(Type.COMMENT, "/*");
                        pos = s.length();
                    } else {
                        pos = end + 2;
                    }
                }
            } else if (c == '*' && at(pos + 1) == '/') {
                pos += 2;
            } else if (c == '-' && at(pos + 1) == '-' || c == '#') {
                add(Type.COMMENT, c == '#' ? "#" : "--");
                pos = s.length();
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(at(pos + 1))) {
                int end = pos + 1;
                if (c == '0' && (at(end) == 'x' || at(end) == 'X' || at(end) == 'b' || at(end) == 'B')) {
                    end++;
                    while (end < s.length() && Character.digit(s.charAt(end), 16) >= 0) {
                        end++;
                    }
                } else {
                    while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.'
                            || (s.charAt(end) == 'e' || s.charAt(end) == 'E') && Character.isDigit(at(end + 1)))) {
                        end++;
                    }
                }
                add(Type.NUMBER, s.substring(pos, end));
                pos = end;
            } else if (c == '@') {
                int end = pos + 1;
                while (end < s.length() && (s.charAt(end) == '@' || isWordChar(s.charAt(end)))) {
                    end++;
                }
                add(Type.VARIABLE, lower(pos, end));
                pos = end;
            } else if (isWordChar(c)) {
                int end = pos + 1;
                while (end < s.length() && (isWordChar(s.charAt(end)) || s.charAt(end) == '.')) {
                    end++;
                }
                String word = lower(pos, end);
                Type type = LOGIC.contains(word) ? Type.LOGIC : COMPARE_WORDS.contains(word) ? Type.COMPARE
                        : Type.WORD;
                add(type, word);
                pos = end;
            } else {
                operator(c);
            }
        }

        private void operator(char c) {
            char d = at(pos + 1);
            switch (c) {
                case ';' -> single(Type.SEMICOLON);
                case '(' -> single(Type.OPEN);
                case ')' -> single(Type.CLOSE);
                case ',' -> single(Type.COMMA);
                case '=' -> single(Type.COMPARE);
                case '<', '>', '!' -> {
                    boolean two = d == '=' || d == '>' && c == '<';
                    if (c == '!' && !two) {
                        single(Type.OPERATOR);
                    } else {
                        add(Type.COMPARE, String.valueOf(c));
                        pos += two ? 2 : 1;
                    }
                }
                case '|', '&' -> {
                    if (d == c) {
                        add(Type.LOGIC, c == '|' ? "||" : "&&");
                        pos += 2;
                    } else {
                        single(Type.OPERATOR);
                    }
                }
                case '+', '-', '*', '/', '%', '^', '~' -> single(Type.OPERATOR);
                default -> single(Type.OTHER);
            }
        }

        private void single(Type type) {
            add(type, String.valueOf(s.charAt(pos)));
            pos++;
        }

        private void add(Type type, String text) {
            if (count == types.length && count < MAX_TOKENS) {
                types = java.util.Arrays.copyOf(types, Math.min(MAX_TOKENS, count * 2));
                texts = java.util.Arrays.copyOf(texts, types.length);
            }
            if (count < MAX_TOKENS) {
                types[count] = type;
                texts[count++] = text;
            }
        }

        private char at(int i) {
            return i < s.length() ? s.charAt(i) : 0;
        }

        private String lower(int from, int to) {
            return s.substring(from, to).toLowerCase(Locale.ROOT);
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }
    }
}
