package dev.bulwark.gateway.cli;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.Page;
import dev.bulwark.core.auth.apikey.ApiKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bulwark apikeys}: creates, lists and revokes the API keys of machine clients, in a configuration's h2 or
 * postgresql storage, while a gateway runs on it or not.
 *
 * <p>{@code create} prints the full key once, alone on standard output (so a script can capture it), with a
 * warning on standard error that it cannot be shown again; nothing else ever prints a secret: {@code list} shows
 * ids, names, scopes and times. A revocation reaches running gateways within {@code auth.revocationSync}. Exit
 * codes as for {@link UsersCommand}. Not thread-safe; one instance per invocation.
 */
@Command(name = "apikeys", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Create, list and revoke API keys of machine clients (h2 or postgresql storage).",
                "Works while a gateway runs on the same storage: changes apply to its next request."},
        subcommands = {ApiKeysCommand.Create.class, ApiKeysCommand.ListKeys.class, ApiKeysCommand.Revoke.class},
        footer = {"", "Example:",
                "  bulwark apikeys create --name billing-export --scope orders:read \\",
                "    --tenant shop-1 --expires 90d -c bulwark.yaml"})
final class ApiKeysCommand implements Runnable {

    /** Who {@code create} records as the creator. */
    static final String CREATOR = "cli";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: choose one of create, list, revoke");
    }

    /** {@code apikeys create}: a new key, printed once. */
    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Create an API key and print it once: only a hash is kept, so it cannot be shown",
                    "again. The key alone goes to standard output; details and the warning to standard error.",
                    "Clients send it in the header the route names (auth.apiKeyHeader, default X-Api-Key)."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "A label for the key, e.g. the client it is for.")
        String name;
        @Option(names = "--scope", paramLabel = "SCOPE",
                description = "A permission the key grants (orders:read, orders:*); repeat for several.")
        List<String> scopes = new ArrayList<>();
        @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant the key acts for.")
        String tenant;
        @Option(names = "--expires", paramLabel = "DURATION", converter = ExpiryConverter.class,
                description = "Lifetime from now: minutes, hours or days, e.g. 90d, 12h (default: never).")
        Duration expires;

        @Override
        public Integer call() {
            CommandEnvironment environment = CommandEnvironment.of(spec);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, environment)) {
                Instant expiresAt = expires == null ? null : environment.clock().instant().plus(expires);
                ApiKeys.Created created;
                try {
                    created = IdentityAdmin.await(admin.auth().apiKeys().create(name, new LinkedHashSet<>(scopes),
                            tenant, expiresAt, CREATOR));
                } catch (IllegalArgumentException invalid) {
                    throw new ParameterException(spec.commandLine(), invalid.getMessage());
                }
                ApiKey key = created.key();
                PrintWriter err = spec.commandLine().getErr();
                err.println("created api key " + key.id() + " (" + TextTable.printable(key.name()) + "): scopes "
                        + TextTable.printable(String.join(",", key.scopes())) + ", tenant "
                        + TextTable.printable(key.tenant()) + ", expires " + TextTable.time(key.expiresAt()));
                spec.commandLine().getOut().println(created.presented());
                err.println("store this key now: it is shown this once and cannot be recovered (only a hash is kept)");
                return 0;
            }
        }
    }

    /** Reads {@code 90d}, {@code 12h}, {@code 30m}. */
    static final class ExpiryConverter implements ITypeConverter<Duration> {
        private static final Pattern LIFETIME = Pattern.compile("(\\d{1,6})([mhd])");

        @Override
        public Duration convert(String value) {
            Matcher m = LIFETIME.matcher(value.trim());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new TypeConversionException("'" + value + "' is not a lifetime (expected e.g. 90d, 12h or 30m)");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
    }

    /** {@code apikeys list}: one page of keys, ordered by id, without secrets. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"List API keys by id: name, scopes, tenant, status and times. Never shows a key.",
                    "When more remain, the last line gives the --after value of the next page."})
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;
        @Mixin
        PageOptions paging;

        @Override
        public Integer call() {
            int limit = paging.limit(spec);
            CommandEnvironment environment = CommandEnvironment.of(spec);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, environment)) {
                Page<ApiKey> page = IdentityAdmin.await(admin.auth().apiKeys().list(paging.after(), limit));
                PrintWriter out = spec.commandLine().getOut();
                if (page.items().isEmpty()) {
                    paging.printNone(out, "api keys");
                    return 0;
                }
                Instant now = environment.clock().instant();
                TextTable table = new TextTable("ID", "NAME", "SCOPES", "TENANT", "STATUS", "CREATED", "EXPIRES",
                        "LAST-USED");
                for (ApiKey key : page.items()) {
                    table.row(key.id(), key.name(), String.join(",", key.scopes()), key.tenant(), status(key, now),
                            TextTable.time(key.createdAt()), TextTable.time(key.expiresAt()),
                            TextTable.time(key.lastUsedAt()));
                }
                table.print(out);
                PageOptions.printNext(out, page.next());
                return 0;
            }
        }

        private static String status(ApiKey key, Instant now) {
            if (key.revokedAt() != null) {
                return "revoked";
            }
            return key.isUsableAt(now) ? "active" : "expired";
        }
    }

    /** {@code apikeys revoke ID}: the key stops working on every gateway. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Revoke an API key: running gateways refuse it within auth.revocationSync,",
                    "even where they cache it. Revoking is final; create a new key to replace it."})
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;
        @Parameters(index = "0", paramLabel = "ID", description = "The key's id, as 'apikeys list' shows it.")
        String id;

        @Override
        public Integer call() {
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                Optional<ApiKey> revoked = IdentityAdmin.await(admin.auth().apiKeys().revoke(id));
                ApiKey key = revoked.orElseThrow(() ->
                        new IllegalStateException("no api key with id " + TextTable.printable(id)));
                spec.commandLine().getOut().println("revoked api key " + key.id() + " ("
                        + TextTable.printable(key.name()) + ") at " + TextTable.time(key.revokedAt())
                        + "; running gateways refuse it within "
                        + TextTable.duration(admin.config().auth().revocationSync()));
                return 0;
            }
        }
    }
}
