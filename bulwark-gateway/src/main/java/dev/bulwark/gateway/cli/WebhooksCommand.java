package dev.bulwark.gateway.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bulwark webhooks}: tools for testing webhook routes by hand; today {@code sign}. */
@Command(name = "webhooks", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Tools for testing webhook routes by hand.",
        subcommands = WebhookSignCommand.class)
final class WebhooksCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: choose sign");
    }
}
