package dev.bulwark.gateway.cli;

import dev.bulwark.api.store.KeyStatus;
import dev.bulwark.api.store.SigningKey;
import dev.bulwark.core.auth.AuthServices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bulwark keys}: lists and rotates the keys that sign Bulwark's access tokens, in a configuration's h2 or
 * postgresql storage.
 *
 * <p>Only what identifies a key is printed (id, algorithm, status, times); neither private nor public key
 * material ever is. A rotation is one atomic store operation: running gateways re-read the keys every
 * {@link AuthServices#KEY_REFRESH}, and the previous key keeps verifying until every token it signed has
 * expired. Exit codes as for {@link UsersCommand}. Not thread-safe; one instance per invocation.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "List and rotate the keys that sign access tokens (h2 or postgresql storage).",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Rotate.class})
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: choose list or rotate");
    }

    /** {@code keys list}: the keys that verify now, the active one first. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"List the keys that verify tokens now: kid, algorithm, status, times.",
                    "The active key signs; a retiring key only verifies, until RETIRE-AFTER."})
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;

        @Override
        public Integer call() {
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                List<SigningKey> keys = IdentityAdmin.await(admin.auth().keys().list());
                TextTable table = new TextTable("KID", "ALGORITHM", "STATUS", "ACTIVATED", "RETIRE-AFTER");
                for (SigningKey key : keys) {
                    table.row(key.kid(), key.algorithm(), key.status().name().toLowerCase(),
                            TextTable.time(key.activatedAt()), TextTable.time(key.retireAfter()));
                }
                table.print(spec.commandLine().getOut());
                return 0;
            }
        }
    }

    /** {@code keys rotate}: a new active key; the previous one retires once its tokens have expired. */
    @Command(name = "rotate", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Generate a new active signing key and retire the current one.",
                    "Running gateways sign with the new key within 30s; tokens signed with the",
                    "old one keep verifying until they have expired (auth.accessToken.lifetime",
                    "plus clockSkew)."})
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;

        @Override
        public Integer call() {
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                Optional<String> previous = IdentityAdmin.await(admin.auth().keys().list()).stream()
                        .filter(key -> key.status() == KeyStatus.ACTIVE).map(SigningKey::kid).findFirst();
                SigningKey next = IdentityAdmin.await(admin.auth().keys().rotate());
                Optional<SigningKey> retiring = previous.flatMap(kid -> IdentityAdmin.await(
                        admin.auth().keys().list()).stream().filter(key -> key.kid().equals(kid)).findFirst());
                PrintWriter out = spec.commandLine().getOut();
                out.println("active signing key: " + next.kid() + " (" + next.algorithm() + ")");
                out.println("running gateways re-read their keys every "
                        + TextTable.duration(AuthServices.KEY_REFRESH) + " and sign with it from then on");
                retiring.ifPresent(key -> out.println("tokens signed with " + key.kid()
                        + " keep verifying until " + TextTable.time(key.retireAfter())));
                return 0;
            }
        }
    }
}
