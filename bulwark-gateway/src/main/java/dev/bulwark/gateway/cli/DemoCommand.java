package dev.bulwark.gateway.cli;

import dev.bulwark.gateway.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code bulwark demo}: the gateway in front of a bundled merchant API, with a curl tour. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Run the gateway in front of a bundled demo API and print a curl tour.",
                "Both listen on 127.0.0.1 only. Stops gracefully on Ctrl-C or SIGTERM."})
final class DemoCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Gateway port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--backend-port", defaultValue = "8081", paramLabel = "PORT",
            description = "Demo backend port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int backendPort;

    @Option(names = "--data", defaultValue = "./bulwark-data", paramLabel = "DIR",
            description = {"Data directory, created if missing (default: ${DEFAULT-VALUE}).",
                    "Holds the embedded H2 database, so webhook delivery ids and Idempotency-Keys",
                    "survive a restart; one demo at a time can use a directory."})
    Path data;

    @Option(names = "--print-config",
            description = "Print the demo's configuration file (a starting point for your own) and exit.")
    boolean printConfig;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (printConfig) {
            out.print(Demo.configText());
            return;
        }
        checkPort("--port", port);
        checkPort("--backend-port", backendPort);
        if (port != 0 && port == backendPort) {
            throw new ParameterException(spec.commandLine(),
                    "--port and --backend-port must differ: both are " + port);
        }
        Demo demo = Demo.start(port, backendPort, data);
        out.println(demo.banner());
        out.flush();
        Foreground.awaitStop(out, demo);
    }

    private void checkPort(String option, int value) {
        if (value < 0 || value > 65535) {
            throw new ParameterException(spec.commandLine(), option + " must be between 0 and 65535: " + value);
        }
    }
}
