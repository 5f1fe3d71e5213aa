package dev.bulwark.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code bulwark version}: prints the Bulwark version and the Java runtime it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Print the Bulwark version and the Java runtime.")
final class VersionCommand implements Runnable {

    /** Written into the jar by Maven; absent when running from a source tree's class directories. */
    private static final String POM_PROPERTIES = "/META-INF/maven/dev.bulwark/bulwark-gateway/pom.properties";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        for (String line : lines()) {
            spec.commandLine().getOut().println(line);
        }
    }

    static String[] lines() {
        return new String[] {
                "bulwark " + version(),
                "java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
        };
    }

    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "development build");
            }
        } catch (IOException unreadable) {
            // Fall through: the version is informative only.
        }
        return "development build";
    }

    /** Lets {@code bulwark --version} print the same as {@code bulwark version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
