package dev.bulwark.gateway.cli;

import dev.bulwark.api.store.Page;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * The {@code --limit} and {@code --after} options every {@code list} command shares, and the line that tells how
 * to ask for the next page. A picocli mixin; one instance per invocation.
 */
final class PageOptions {

    private static final int DEFAULT_LIMIT = 100;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "Entries per page, 1 to " + Page.MAX_SIZE + " (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--after", paramLabel = "CURSOR",
            description = "Start after this cursor, as printed at the end of the previous page.")
    private String after;

    /**
     * @return the page size asked for
     * @throws ParameterException when it is not 1 to {@link Page#MAX_SIZE}
     */
    int limit(CommandSpec spec) {
        if (limit < 1 || limit > Page.MAX_SIZE) {
            throw new ParameterException(spec.commandLine(), "--limit must be 1 to " + Page.MAX_SIZE + ": " + limit);
        }
        return limit;
    }

    /** @return the cursor to start after, or {@code null} for the first page */
    String after() {
        return after;
    }

    /** Prints "no WHAT" (or "no WHAT after CURSOR") for an empty page. */
    void printNone(PrintWriter out, String what) {
        out.println(after == null ? "no " + what : "no " + what + " after " + TextTable.printable(after));
    }

    /** Prints how to ask for the next page, when there is one. */
    static void printNext(PrintWriter out, Optional<String> next) {
        next.ifPresent(cursor -> out.println("next page: --after " + TextTable.printable(cursor)));
    }
}
