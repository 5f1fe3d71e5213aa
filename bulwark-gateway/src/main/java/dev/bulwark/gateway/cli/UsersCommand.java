package dev.bulwark.gateway.cli;

import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserPage;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.core.auth.identity.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code bulwark users}: creates, lists, disables, enables and resets the accounts of a configuration's
 * {@code auth} section, in its h2 or postgresql storage, while a gateway runs on it or not.
 *
 * <p>Every change goes through {@link Identity}, so the password policy holds and disabling or resetting ends
 * the user's sessions exactly as the HTTP endpoints would. Passwords come from the terminal (asked twice, not
 * echoed) or, with {@code --password-stdin}, from the first line of standard input; they never appear in
 * output, errors or logs. Exit codes: 0 done, 1 refused or failed (taken email, unknown user, policy violation,
 * invalid configuration, storage down), 2 usage error. Not thread-safe; one instance per invocation.
 */
@Command(name = "users", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Manage the user accounts of the auth section (h2 or postgresql storage).",
                "Works while a gateway runs on the same storage: changes apply to its next request."},
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Disable.class,
                UsersCommand.Enable.class, UsersCommand.ResetPassword.class, UsersCommand.SetRoles.class,
                UsersCommand.SetTenants.class},
        footer = {"", "Example:",
                "  printf '%%s\\n' \"$ADMIN_PASSWORD\" \\",
                "    | bulwark users add admin@example.com --role admin --password-stdin \\",
                "      -c bulwark.yaml"})
final class UsersCommand implements Runnable {

    /** The most a password line on standard input may hold, well above any policy's maximum. */
    static final int MAX_PASSWORD_BYTES = 4096;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: choose one of add, list, disable, enable, reset-password, set-roles, set-tenants");
    }

    /** {@code --config}, shared by every subcommand. */
    static final class ConfigOption {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
                description = "The configuration the gateway runs with (its auth and storage sections).")
        Path file;
    }

    /** {@code users add EMAIL}: creates an account and prints its id. */
    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Create a user and print its id.",
                    "The password is asked twice on the terminal, or read from the first line",
                    "of standard input with --password-stdin. It must satisfy auth.password;",
                    "every rule it breaks is printed."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "EMAIL", description = "The email the user logs in with.")
        String email;
        @Option(names = "--role", paramLabel = "ROLE", description = "A role to grant; repeat for several.")
        List<String> roles = new ArrayList<>();
        @Option(names = "--tenant", paramLabel = "TENANT", description = "A tenant the user belongs to; repeatable.")
        List<String> tenants = new ArrayList<>();
        @Option(names = "--password-stdin", description = "Read the password from standard input (one line).")
        boolean passwordStdin;

        @Override
        public Integer call() {
            String normalized = email(spec, email);
            Set<String> roleSet = names(spec, roles, "--role");
            Set<String> tenantSet = names(spec, tenants, "--tenant");
            CommandEnvironment environment = CommandEnvironment.of(spec);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, environment)) {
                String password = password(spec, environment, normalized, passwordStdin);
                Identity.CreateOutcome outcome = IdentityAdmin.await(
                        admin.auth().identity().createUser(normalized, password, roleSet, tenantSet));
                PrintWriter err = spec.commandLine().getErr();
                return switch (outcome) {
                    case Identity.CreateOutcome.Created created -> {
                        spec.commandLine().getOut().println(created.user().id());
                        yield 0;
                    }
                    case Identity.CreateOutcome.EmailTaken taken -> {
                        err.println("bulwark: a user with email " + TextTable.printable(normalized)
                                + " already exists (nothing was changed)");
                        yield BulwarkCommand.EXIT_FAILURE;
                    }
                    case Identity.CreateOutcome.Rejected rejected -> violations(err, rejected.violations());
                    case Identity.CreateOutcome.Busy busy -> busy(err);
                };
            }
        }
    }

    /** {@code users list}: one page of accounts, ordered by email. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"List users by email: id, roles, tenants, status, creation time.",
                    "When more remain, the last line gives the --after value of the next page."})
    static final class ListUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Mixin
        PageOptions paging;

        @Override
        public Integer call() {
            int limit = paging.limit(spec);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                UserPage page = IdentityAdmin.await(admin.auth().identity().users().list(paging.after(), limit));
                PrintWriter out = spec.commandLine().getOut();
                if (page.users().isEmpty()) {
                    paging.printNone(out, "users");
                    return 0;
                }
                TextTable table = new TextTable("ID", "EMAIL", "ROLES", "TENANTS", "STATUS", "CREATED");
                for (User user : page.users()) {
                    table.row(user.id(), user.email(), String.join(",", user.roles()), String.join(",", user.tenants()),
                            user.status().name().toLowerCase(), TextTable.time(user.createdAt()));
                }
                table.print(out);
                PageOptions.printNext(out, page.next());
                return 0;
            }
        }
    }

    /** {@code users disable EMAIL}: refuses the user's logins, ends its sessions and voids its tokens. */
    @Command(name = "disable", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Disable a user: no logins, sessions end, tokens refused.",
                    "Running gateways refuse its access tokens within auth.revocationSync."})
    static final class Disable implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            String normalized = email(spec, email);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                User user = admin.user(normalized);
                Identity identity = admin.auth().identity();
                int sessions = IdentityAdmin.await(identity.sessions(user.id())).size();
                IdentityAdmin.await(identity.setStatus(user.id(), UserStatus.DISABLED));
                spec.commandLine().getOut().println("disabled " + TextTable.printable(user.email()) + ": "
                        + sessions + (sessions == 1 ? " session" : " sessions") + " ended; running gateways refuse"
                        + " its access tokens within " + TextTable.duration(admin.config().auth().revocationSync()));
                return 0;
            }
        }
    }

    /** {@code users enable EMAIL}: lets a disabled user log in again. */
    @Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = "Enable a disabled user: it may log in again.")
    static final class Enable implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            String normalized = email(spec, email);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                User user = admin.user(normalized);
                IdentityAdmin.await(admin.auth().identity().setStatus(user.id(), UserStatus.ACTIVE));
                spec.commandLine().getOut().println("enabled " + TextTable.printable(user.email()));
                return 0;
            }
        }
    }

    /** {@code users reset-password EMAIL}: sets a new password and ends every session of the user. */
    @Command(name = "reset-password", mixinStandardHelpOptions = true,
            versionProvider = VersionCommand.Provider.class,
            description = {"Set a new password and end every session of the user.",
                    "The password is asked twice on the terminal, or read from the first line",
                    "of standard input with --password-stdin. It must satisfy auth.password."})
    static final class ResetPassword implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;
        @Option(names = "--password-stdin", description = "Read the password from standard input (one line).")
        boolean passwordStdin;

        @Override
        public Integer call() {
            String normalized = email(spec, email);
            CommandEnvironment environment = CommandEnvironment.of(spec);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, environment)) {
                User user = admin.user(normalized);
                String password = password(spec, environment, user.email(), passwordStdin);
                Identity.PasswordOutcome outcome = IdentityAdmin.await(
                        admin.auth().identity().resetPassword(user.id(), password));
                PrintWriter err = spec.commandLine().getErr();
                return switch (outcome) {
                    case Identity.PasswordOutcome.Done done when done.user() == null ->
                            throw new IllegalStateException("no user with email " + TextTable.printable(normalized));
                    case Identity.PasswordOutcome.Done done -> {
                        int ended = done.endedSessionIds().size();
                        spec.commandLine().getOut().println("password reset for " + TextTable.printable(user.email())
                                + ": " + ended + (ended == 1 ? " session" : " sessions") + " ended");
                        yield 0;
                    }
                    case Identity.PasswordOutcome.Rejected rejected -> violations(err, rejected.violations());
                    case Identity.PasswordOutcome.Busy busy -> busy(err);
                    case Identity.PasswordOutcome.WrongPassword wrong ->
                            throw new IllegalStateException("a reset does not check the old password");
                };
            }
        }
    }

    /** {@code users set-roles EMAIL ROLE...}: replaces the user's roles, keeping its extra permissions. */
    @Command(name = "set-roles", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Replace a user's roles (its extra permissions are kept).",
                    "Tokens issued from now on carry the new roles; access tokens issued before",
                    "keep the old ones until they expire (auth.accessToken.lifetime).",
                    "Disabling and enabling the user cuts that short, ending its sessions."})
    static final class SetRoles implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "ROLE", description = "The roles the user has from now on.")
        List<String> roles = new ArrayList<>();

        @Override
        public Integer call() {
            String normalized = email(spec, email);
            Set<String> roleSet = names(spec, roles, "ROLE");
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                User user = admin.user(normalized);
                User updated = IdentityAdmin.await(admin.auth().identity().users()
                                .setAccess(user.id(), roleSet, user.permissions()))
                        .orElseThrow(() -> new IllegalStateException("no user with email "
                                + TextTable.printable(normalized)));
                spec.commandLine().getOut().println("roles of " + TextTable.printable(updated.email()) + ": "
                        + TextTable.printable(String.join(",", updated.roles()))
                        + " (was " + TextTable.printable(String.join(",", user.roles())) + "); tokens already"
                        + " issued keep the old roles until they expire, within "
                        + TextTable.duration(admin.config().auth().accessTokenLifetime()));
                return 0;
            }
        }
    }

    /** {@code users set-tenants EMAIL TENANT...}: replaces the tenants the user belongs to. */
    @Command(name = "set-tenants", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Replace the tenants a user belongs to (none: it belongs to no tenant).",
                    "Running gateways apply it within tenancy.cacheTtl. Removing a tenant also ends",
                    "the user's sessions, since a token may carry the tenant as its claim."})
    static final class SetTenants implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "TENANT",
                description = "The tenants the user belongs to from now on.")
        List<String> tenants = new ArrayList<>();

        @Override
        public Integer call() {
            String normalized = email(spec, email);
            Set<String> tenantSet = names(spec, tenants, "TENANT");
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                User user = admin.user(normalized);
                User updated = IdentityAdmin.await(admin.auth().identity().users().setTenants(user.id(), tenantSet))
                        .orElseThrow(() -> new IllegalStateException("no user with email "
                                + TextTable.printable(normalized)));
                // A token carries its user's tenant: a removal ends the user's sessions so it holds at once.
                boolean withdrawn = !tenantSet.containsAll(user.tenants());
                int ended = withdrawn
                        ? IdentityAdmin.await(admin.auth().identity().logoutAll(user.id(), null)).size() : 0;
                spec.commandLine().getOut().println("tenants of " + TextTable.printable(updated.email()) + ": "
                        + list(updated.tenants()) + " (was " + list(user.tenants()) + "); "
                        + (withdrawn ? ended + " session(s) ended; " : "") + "running gateways apply it within "
                        + TextTable.duration(admin.config().effectiveTenancy().cacheTtl()));
                return 0;
            }
        }

        private static String list(Set<String> tenants) {
            return tenants.isEmpty() ? "none" : TextTable.printable(String.join(",", tenants));
        }
    }

    // ---- shared ----

    private static String email(CommandSpec spec, String email) {
        try {
            return User.normalizeEmail(email);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static Set<String> names(CommandSpec spec, List<String> values, String option) {
        try {
            return User.names(new LinkedHashSet<>(values), option);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Reads the password: the first line of standard input, or twice from the terminal.
     *
     * @throws ParameterException    when there is no terminal and no {@code --password-stdin}
     * @throws IllegalStateException when nothing was entered or the two entries differ
     */
    static String password(CommandSpec spec, CommandEnvironment environment, String email, boolean fromStdin) {
        if (fromStdin) {
            return stdinPassword(environment.in());
        }
        PasswordPrompt prompt = environment.prompt().orElseThrow(() -> new ParameterException(spec.commandLine(),
                "no terminal to ask for the password on: pass --password-stdin and pipe the password in"));
        char[] first = prompt.read("Password for " + email + ": ");
        char[] second = null;
        try {
            if (first == null || first.length == 0) {
                throw new IllegalStateException("no password entered");
            }
            second = prompt.read("Repeat the password: ");
            if (second == null || !Arrays.equals(first, second)) {
                throw new IllegalStateException("the two passwords differ; nothing was changed");
            }
            return new String(first);
        } finally {
            // The String handed to Identity cannot be wiped; the arrays at least do not linger.
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    private static String stdinPassword(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                if (line.size() == MAX_PASSWORD_BYTES) {
                    throw new IllegalStateException("the password on standard input is longer than "
                            + MAX_PASSWORD_BYTES + " bytes");
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the password from standard input: "
                    + e.getClass().getSimpleName(), e);
        }
        String password = line.toString(StandardCharsets.UTF_8);
        if (password.endsWith("\r")) {
            password = password.substring(0, password.length() - 1);
        }
        if (password.isEmpty()) {
            throw new IllegalStateException("no password on standard input (expected one line)");
        }
        return password;
    }

    private static int violations(PrintWriter err, List<String> violations) {
        violations.forEach(violation -> err.println("bulwark: " + violation));
        err.println("bulwark: the password was refused; nothing was changed");
        return BulwarkCommand.EXIT_FAILURE;
    }

    private static int busy(PrintWriter err) {
        err.println("bulwark: every password hashing worker is busy; nothing was changed, try again");
        return BulwarkCommand.EXIT_FAILURE;
    }

}
