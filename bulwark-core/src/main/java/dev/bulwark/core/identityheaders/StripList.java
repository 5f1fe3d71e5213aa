package dev.bulwark.core.identityheaders;

import dev.bulwark.api.Headers;

import java.util.ArrayList;
import java.util.List;

/**
 * The header names removed from client requests, compiled once: exact names and prefixes, both compared without
 * regard to case. Immutable and thread-safe.
 */
final class StripList {

    private final String[] exact;
    private final String[] prefixes;

    /** @param entries header names, or prefixes ending in {@code *}; already validated */
    StripList(List<String> entries) {
        List<String> names = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        for (String entry : entries) {
            if (entry.endsWith("*")) {
                starts.add(entry.substring(0, entry.length() - 1));
            } else {
                names.add(entry);
            }
        }
        this.exact = names.toArray(String[]::new);
        this.prefixes = starts.toArray(String[]::new);
    }

    /** @return whether {@code name} is stripped */
    boolean matches(String name) {
        for (String candidate : exact) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        for (String prefix : prefixes) {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }

    /** Removes every value of every matching field from {@code headers}. */
    void stripFrom(Headers headers) {
        // Runs on every proxied request: walking the fields in place, where names() would build a sorted set
        // each time. Collected first, since removing while walking is not allowed; most requests match nothing.
        List<String> matched = new ArrayList<>(0);
        headers.forEach((name, value) -> {
            if (matches(name)) {
                matched.add(name);
            }
        });
        matched.forEach(headers::remove);
    }

    /** @return whether one of {@code entries} (names or {@code *} prefixes) already covers {@code name} */
    static boolean covers(List<String> entries, String name) {
        for (String entry : entries) {
            if (entry == null) {
                continue;
            }
            boolean hit = entry.endsWith("*")
                    ? name.regionMatches(true, 0, entry, 0, entry.length() - 1)
                    : entry.equalsIgnoreCase(name);
            if (hit) {
                return true;
            }
        }
        return false;
    }
}
