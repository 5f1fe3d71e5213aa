package dev.bulwark.gateway.cli;

import java.io.Console;
import java.util.Optional;

/**
 * Asks the person at the terminal for a password without echoing it. Commands receive one through
 * {@link CommandEnvironment}, so tests can answer for the person.
 */
@FunctionalInterface
interface PasswordPrompt {

    /**
     * @param prompt what to print first, e.g. {@code "Password for ann@example.com: "}
     * @return the characters typed, or {@code null} at end of input (Ctrl-D)
     */
    char[] read(String prompt);

    /** @return a prompt on {@link System#console()}, or empty when the process has no terminal */
    static Optional<PasswordPrompt> console() {
        Console console = System.console();
        // "%s": the prompt names an email, which may hold a '%' that Console would read as a format.
        return console == null ? Optional.empty() : Optional.of(prompt -> console.readPassword("%s", prompt));
    }
}
