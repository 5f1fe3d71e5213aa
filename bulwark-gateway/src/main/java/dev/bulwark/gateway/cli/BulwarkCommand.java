package dev.bulwark.gateway.cli;

import dev.bulwark.core.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code bulwark} command line: {@code demo}, {@code run}, {@code check}, {@code users}, {@code keys},
 * {@code apikeys}, {@code tenants}, {@code webhooks sign}, {@code version}.
 *
 * <p>Exit codes: 0 on success (including a graceful stop of {@code run} or {@code demo} by Ctrl-C or SIGTERM),
 * 1 when the configuration is invalid, the gateway cannot start or a change is refused (a taken email, a weak
 * password), 2 for usage errors. Errors are printed as short lines on standard error, never as stack traces.
 * Not thread-safe; one instance serves one invocation.
 */
@Command(name = "bulwark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = {"Bulwark: one security layer in front of your web backends.", ""},
        subcommands = {DemoCommand.class, RunCommand.class, CheckCommand.class, UsersCommand.class,
                KeysCommand.class, ApiKeysCommand.class, TenantsCommand.class, WebhooksCommand.class,
                VersionCommand.class},
        footer = {"", "Start with 'bulwark demo' and follow the tour it prints.",
                "Exit codes: 0 ok, 1 bad configuration, start failure or refused change, 2 usage error."})
public final class BulwarkCommand implements Runnable {

    /** Exit code for an invalid configuration, a gateway that cannot start, or a change a command refused. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for a command line that cannot be understood. */
    public static final int EXIT_USAGE = 2;

    private static final String NETTY_ALLOCATOR = "io.netty.allocator.type";

    @Spec
    CommandSpec spec;

    /** Standard input, terminal and clock for the subcommands (see {@link CommandEnvironment#of}). */
    final CommandEnvironment environment;

    BulwarkCommand(CommandEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: choose one of demo, run, check, users, keys, apikeys, tenants, webhooks, version");
    }

    /**
     * Runs the command line and exits the JVM with its exit code. Before any Netty class loads, it selects
     * Netty's {@code pooled} buffer allocator unless {@code -Dio.netty.allocator.type} chose one: Netty 4.2's
     * default, {@code adaptive}, cost about 2.5 % more CPU per proxied request (docs/benchmarks.md). Only the
     * command line does this; an application embedding the gateway keeps its own Netty settings.
     */
    public static void main(String[] args) {
        if (System.getProperty(NETTY_ALLOCATOR) == null) {
            System.setProperty(NETTY_ALLOCATOR, "pooled");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(CommandEnvironment.system(true), out, err, args));
    }

    /**
     * Runs the command line without exiting the JVM.
     *
     * @param out where normal output goes
     * @param err where errors go
     * @return the exit code
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(CommandEnvironment.system(false), out, err, args);
    }

    /** Runs the command line with the given standard input, terminal and clock, e.g. in tests. */
    static int execute(CommandEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new BulwarkCommand(environment))
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(BulwarkCommand::usageError)
                .setExecutionExceptionHandler(BulwarkCommand::failure);
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int usageError(ParameterException problem, String[] args) {
        PrintWriter err = problem.getCommandLine().getErr();
        String message = problem.getMessage();
        err.println("bulwark: " + Character.toLowerCase(message.charAt(0)) + message.substring(1)
                + " (see 'bulwark --help')");
        return EXIT_USAGE;
    }

    private static int failure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        if (failure instanceof ConfigException invalid) {
            invalid.problems().forEach(err::println);
        } else {
            err.println("bulwark: " + describe(failure));
        }
        return EXIT_FAILURE;
    }

    /** The innermost message, because wrappers (Vert.x futures, I/O) only add noise for a command-line user. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root
                && (root.getMessage() == null || root instanceof UncheckedIOException
                || root.getMessage().equals(String.valueOf(root.getCause())))) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message != null && !message.isBlank() ? message : root.getClass().getSimpleName();
    }
}
