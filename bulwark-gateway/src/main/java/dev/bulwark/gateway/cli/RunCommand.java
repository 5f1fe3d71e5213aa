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
import java.util.ArrayList;
import java.util.List;

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
        startupLines(config, loaded, gateway).forEach(out::println);
        out.println("bulwark: press Ctrl-C to stop");
        Foreground.awaitStop(out, gateway);
    }

    /** @return what {@code run} prints once the gateway listens: where each part of it is served */
    static List<String> startupLines(Path config, BulwarkConfig loaded, Gateway gateway) {
        List<String> lines = new ArrayList<>(3);
        lines.add("bulwark: serving " + config + " on " + gateway.baseUri()
                + " (" + loaded.routes().size() + " routes, " + loaded.upstreams().size() + " upstreams)");
        if (gateway.adminPort() != null) {
            lines.add("bulwark: health and metrics on admin port " + gateway.adminPort());
        }
        Integer adminApiPort = gateway.adminApiPort();
        if (adminApiPort != null) {
            lines.add("bulwark: admin API under " + loaded.admin().prefix() + " on "
                    + (adminApiPort == gateway.baseUri().getPort() ? "the main port" : "port " + adminApiPort));
        }
        return lines;
    }
}
