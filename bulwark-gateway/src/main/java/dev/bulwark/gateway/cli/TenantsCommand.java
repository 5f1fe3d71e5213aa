package dev.bulwark.gateway.cli;

import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.api.store.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code bulwark tenants}: adds, lists, suspends, reactivates and deletes the tenants (merchants, clinics) that
 * routes' {@code tenant} rules check, in a configuration's h2 or postgresql storage, while a gateway runs on it or
 * not.
 *
 * <p>A suspended or deleted tenant is refused with {@code TENANT_INACTIVE}; running gateways see a change once
 * their cached status expires ({@code tenancy.cacheTtl}). Deleting keeps the tenant's id, so it is never reused;
 * {@code activate} undoes a suspension or a deletion. Exit codes as for {@link UsersCommand}: 0 done, 1 refused
 * (taken id, unknown tenant) or failed, 2 usage error. Not thread-safe; one instance per invocation.
 */
@Command(name = "tenants", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Manage the tenants that routes' tenant rules check (h2 or postgresql storage).",
                "Running gateways see a change within tenancy.cacheTtl."},
        subcommands = {TenantsCommand.Add.class, TenantsCommand.ListTenants.class, TenantsCommand.Suspend.class,
                TenantsCommand.Activate.class, TenantsCommand.Delete.class},
        footer = {"", "Example:",
                "  bulwark tenants add clinic-12 --name 'Green Valley Clinic' -c bulwark.yaml",
                "  bulwark tenants suspend clinic-12 -c bulwark.yaml"})
final class TenantsCommand implements Runnable {


    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: choose one of add, list, suspend, activate, delete");
    }

    /** {@code tenants add ID}: registers an active tenant. */
    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = "Add an active tenant with the id requests name it by.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;
        @Parameters(index = "0", paramLabel = "ID", description = "The tenant id requests carry (header, token, path).")
        String id;
        @Option(names = "--name", paramLabel = "NAME", description = "A display name (default: the id).")
        String name;

        @Override
        public Integer call() {
            String shown = name == null ? id : name;
            checkId(spec, id);
            if (shown.length() > Tenant.MAX_NAME_LENGTH || shown.chars().anyMatch(Character::isISOControl)) {
                throw new ParameterException(spec.commandLine(), "--name must be at most " + Tenant.MAX_NAME_LENGTH
                        + " printable characters: " + shown.length() + " characters");
            }
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                return IdentityAdmin.await(tenants(admin).create(id, shown)).map(tenant -> {
                    spec.commandLine().getOut().println("added tenant " + TextTable.printable(tenant.id()));
                    return 0;
                }).orElseGet(() -> {
                    spec.commandLine().getErr().println("bulwark: tenant " + TextTable.printable(id)
                            + " already exists (nothing was changed; a deleted tenant's id is never reused)");
                    return BulwarkCommand.EXIT_FAILURE;
                });
            }
        }
    }

    /** {@code tenants list}: one page of tenants, ordered by id. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"List tenants by id: name, status, creation and last change.",
                    "When more remain, the last line gives the --after value of the next page."})
    static final class ListTenants implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;
        @Mixin
        PageOptions paging;

        @Override
        public Integer call() {
            int limit = paging.limit(spec);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                Page<Tenant> page = IdentityAdmin.await(tenants(admin).list(paging.after(), limit));
                PrintWriter out = spec.commandLine().getOut();
                if (page.items().isEmpty()) {
                    paging.printNone(out, "tenants");
                    return 0;
                }
                TextTable table = new TextTable("ID", "NAME", "STATUS", "CREATED", "UPDATED");
                for (Tenant tenant : page.items()) {
                    table.row(tenant.id(), tenant.name(), status(tenant.status()), TextTable.time(tenant.createdAt()),
                            TextTable.time(tenant.updatedAt()));
                }
                table.print(out);
                PageOptions.printNext(out, page.next());
                return 0;
            }
        }
    }

    /** {@code tenants suspend ID}: refuses the tenant's requests until it is activated again. */
    @Command(name = "suspend", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = "Suspend a tenant: its requests are refused (TENANT_INACTIVE) until it is activated.")
    static final class Suspend extends StatusChange {
        Suspend() {
            super(TenantStatus.SUSPENDED);
        }
    }

    /** {@code tenants activate ID}: serves a suspended or deleted tenant again. */
    @Command(name = "activate", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = "Activate a suspended or deleted tenant: its requests are served again.")
    static final class Activate extends StatusChange {
        Activate() {
            super(TenantStatus.ACTIVE);
        }
    }

    /** {@code tenants delete ID}: refuses the tenant's requests for good, keeping its id. */
    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
            description = {"Delete a tenant: its requests are refused (TENANT_INACTIVE).",
                    "The id is kept so that it is never reused for another tenant."})
    static final class Delete extends StatusChange {
        Delete() {
            super(TenantStatus.DELETED);
        }
    }

    /** Sets one tenant's status and says when running gateways notice. */
    abstract static class StatusChange implements Callable<Integer> {
        private final TenantStatus status;
        @Spec
        CommandSpec spec;
        @Mixin
        UsersCommand.ConfigOption config;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        StatusChange(TenantStatus status) {
            this.status = status;
        }

        @Override
        public Integer call() {
            checkId(spec, id);
            try (IdentityAdmin admin = IdentityAdmin.open(config.file, CommandEnvironment.of(spec))) {
                Tenant tenant = IdentityAdmin.await(tenants(admin).setStatus(id, status)).orElseThrow(() ->
                        new IllegalStateException("no tenant " + TextTable.printable(id)
                                + " (add it first with 'bulwark tenants add')"));
                spec.commandLine().getOut().println("tenant " + TextTable.printable(tenant.id()) + " is "
                        + status(tenant.status()) + "; running gateways apply it within "
                        + TextTable.duration(admin.config().effectiveTenancy().cacheTtl()));
                return 0;
            }
        }
    }

    // ---- shared ----

    private static TenantStore tenants(IdentityAdmin admin) {
        return admin.auth().stores().tenants();
    }

    /** Checked before the storage is opened, so a typo costs no database connection. */
    private static void checkId(CommandSpec spec, String id) {
        try {
            User.names(Set.of(id), "tenant id");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String status(TenantStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
