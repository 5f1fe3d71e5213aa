package dev.bulwark.gateway.cli;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.gateway.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code bulwark run --config FILE}: serves a configuration in the foreground until Ctrl-C or SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Serve a configuration file in the foreground until Ctrl-C or SIGTERM.",
                "On stop, new connections are refused, in-flight requests may finish (server.shutdownTimeout),",
                "and the command exits 0."})
final class RunCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML (or JSON) configuration to serve.")
    Path config;

    @Override
    public void run() {
        BulwarkConfig loaded = ConfigLoader.load(config);
        Gateway gateway = Gateway.start(loaded);
        PrintWriter out = spec.commandLine().getOut();
        out.println("bulwark: serving " + config + " on " + gateway.baseUri()
                + " (" + loaded.routes().size() + " routes, " + loaded.upstreams().size() + " upstreams)");
        if (gateway.adminPort() != null) {
            out.println("bulwark: health and metrics on admin port " + gateway.adminPort());
        }
        out.println("bulwark: press Ctrl-C to stop");
        Foreground.awaitStop(out, gateway);
    }
}
