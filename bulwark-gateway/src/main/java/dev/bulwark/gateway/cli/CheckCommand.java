package dev.bulwark.gateway.cli;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.routing.RouteCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/**
 * {@code bulwark check --config FILE}: loads and compiles a configuration without starting anything, so CI can
 * refuse a bad file before it is deployed.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Validate a configuration file without starting anything.",
                "Prints 'config OK: N routes, M upstreams' and exits 0, or prints every problem found, one per",
                "line, and exits 1. Use it in CI before deploying a configuration."})
final class CheckCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML (or JSON) configuration to check.")
    Path config;

    @Override
    public void run() {
        BulwarkConfig loaded = ConfigLoader.load(config);
        RouteCompiler.compile(loaded);
        spec.commandLine().getOut().println("config OK: " + loaded.routes().size() + " routes, "
                + loaded.upstreams().size() + " upstreams");
    }
}
