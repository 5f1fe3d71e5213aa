package dev.bulwark.core.waf;

import java.util.Locale;
import java.util.Set;

/**
 * Recognizes OS command injection in one decoded parameter value: a shell construct that starts a new command
 * ({@code ;}, {@code |}, {@code ||}, {@code &}, {@code &&}, a line break, {@code $(}, a backtick) followed by a
 * command name from a list of the commands injections actually run (shells, downloaders, reconnaissance and timing
 * commands, interpreters, their Windows counterparts), optionally with a path ({@code /bin/cat}).
 *
 * <p>libinjection has no command-injection detector; this one is deliberately small and keeps false positives
 * low by needing both parts: {@code Tom & Jerry}, {@code salt; pepper} or a lone {@code |} pass, while
 * {@code ; cat /etc/passwd}, {@code | nc 10.0.0.1 4444} and {@code $(sleep 5)} do not. Stateless and thread-safe.
 */
final class CommandInjectionDetector {

    /** Command names that are not also everyday words, so a weak separator ({@code ;}, {@code &}) is enough. */
    private static final Set<String> SHELL_ONLY = Set.of("sh", "bash", "zsh", "ksh", "csh", "dash", "ls", "whoami",
            "uname", "wget", "curl", "nc", "ncat", "netcat", "telnet", "ping", "chmod", "chown", "python", "python3",
            "perl", "ruby", "php", "nslookup", "ifconfig", "netstat", "printenv", "useradd", "crontab", "base64",
            "xargs", "awk", "sed", "grep", "tftp", "ssh", "scp", "mkdir", "nohup", "sudo", "systeminfo", "tasklist",
            "taskkill", "powershell", "pwsh", "cmd", "ipconfig", "certutil", "bitsadmin", "wmic", "mshta",
            "rundll32", "regsvr32", "cscript", "wscript", "xxd", "printf");
    /** Everyday words that are also commands: only after a shell-only separator, or with a shell-like argument. */
    private static final Set<String> WORDS = Set.of("type", "find", "set", "start", "call", "copy", "move", "sort",
            "more", "less", "head", "tail", "touch", "host", "kill", "exit", "timeout", "net", "reg", "ver", "del",
            "dig", "ip", "ps", "su", "cp", "mv", "dd", "od", "wc", "tee", "uniq", "eval", "exec", "expr", "node",
            "passwd", "hostname", "ftp", "sleep", "cat", "id", "env", "rm", "dir", "echo");

    private CommandInjectionDetector() {
    }

    /**
     * @param value one decoded parameter value
     * @return whether it chains a command after a shell separator or runs one in a substitution
     */
    static boolean isCommandInjection(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            int next;
            boolean strong;
            if (c == ';' || c == '&' || c == '|' || c == '\n' || c == '`') {
                boolean doubled = i + 1 < n && value.charAt(i + 1) == c && c != '`';
                next = doubled ? i + 2 : i + 1;
                strong = c == '|' || c == '\n' || c == '`' || doubled;
            } else if (c == '$' && i + 1 < n && value.charAt(i + 1) == '(') {
                next = i + 2;
                strong = true;
            } else if (c == '$' && value.startsWith("{IFS", i + 1)) {
                return true;
            } else {
                continue;
            }
            if (commandAt(value, next, strong)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a command (with an optional directory) starts at {@code from}, after blanks */
    private static boolean commandAt(String value, int from, boolean strongSeparator) {
        int i = from;
        while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == '('
                || value.charAt(i) == '{')) {
            i++;
        }
        int start = i;
        while (i < value.length() && !isEnd(value.charAt(i))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        String word = value.substring(start, i).toLowerCase(Locale.ROOT);
        int slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
        String name = slash >= 0 ? word.substring(slash + 1) : word;
        if (name.endsWith(".exe")) {
            name = name.substring(0, name.length() - 4);
        }
        boolean shellOnly = SHELL_ONLY.contains(name);
        if (!shellOnly && !WORDS.contains(name)) {
            return false;
        }
        if (slash >= 0 || strongSeparator) {
            return true;
        }
        char argument = firstArgument(value, i);
        boolean shellArgument = argument == '-' || argument == '/' || argument == '\\' || argument == '$'
                || argument == '~' || argument == '.' || argument == '%' || argument == '>' || argument == '<'
                || argument == '|' || argument == ';' || argument == '&' || argument == '`';
        boolean tight = start == from;
        if ((name.equals("sleep") || name.equals("ping")) && Character.isDigit(argument)) {
            return true;
        }
        return shellArgument || argument == 0 && tight
                || shellOnly && (argument == 0 || argument == ')' || Character.isLetterOrDigit(argument));
    }

    /** @return the first character after the command name and its blanks, or 0 at the end of the value */
    private static char firstArgument(String value, int from) {
        int i = from;
        while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
            i++;
        }
        return i < value.length() ? value.charAt(i) : 0;
    }

    private static boolean isEnd(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '`' || c == ')'
                || c == '$' || c == '<' || c == '>' || c == '\'' || c == '"' || c == '}';
    }
}
