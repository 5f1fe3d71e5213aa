package dev.bulwark.gateway.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.io.InputStream;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * What commands use besides their arguments and output streams: standard input, the terminal, the clock, and
 * whether the command owns the process. {@link BulwarkCommand#main} passes the real ones; tests pass their own.
 *
 * @param in        standard input, e.g. for {@code --password-stdin}
 * @param prompt    the terminal to ask for passwords on; empty when there is none (input piped, a service)
 * @param clock     what stores and keys measure time with
 * @param ownsProcess whether this is a {@code bulwark} process of its own, whose library log lines (pool,
 *                  migrations) would only clutter a command's output; an embedding host's logging is left alone
 */
record CommandEnvironment(InputStream in, Optional<PasswordPrompt> prompt, Clock clock, boolean ownsProcess) {

    CommandEnvironment {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(clock, "clock");
    }

    /** @return the process's standard input and terminal, and the system clock */
    static CommandEnvironment system(boolean ownsProcess) {
        return new CommandEnvironment(System.in, PasswordPrompt.console(), Clock.systemUTC(), ownsProcess);
    }

    /** @return the environment of the command line {@code spec} belongs to */
    static CommandEnvironment of(CommandSpec spec) {
        return spec.root().userObject() instanceof BulwarkCommand root ? root.environment : system(false);
    }
}
