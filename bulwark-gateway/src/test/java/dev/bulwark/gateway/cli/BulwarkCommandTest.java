package dev.bulwark.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BulwarkCommandTest {

    @TempDir
    Path dir;

    @Test
    void checkOnAGoodFileSummarisesRoutesAndUpstreams() throws Exception {
        Path config = write("good.yaml", """
                server:
                  port: 9000
                upstreams:
                  shop: { url: "http://127.0.0.1:9001" }
                  billing: { url: "http://127.0.0.1:9002" }
                routes:
                  - id: products
                    match: { path: "/api/products/**" }
                    upstream: shop
                  - id: invoices
                    match: { path: "/api/invoices/{id}", methods: [GET] }
                    upstream: billing
                  - id: health
                    match: { path: /health }
                    upstream: shop
                """);

        Result result = run("check", "--config", config.toString());

        assertThat(result.code).isZero();
        assertThat(result.out).isEqualTo("config OK: 3 routes, 2 upstreams\n");
        assertThat(result.err).isEmpty();
    }

    @Test
    void checkOnABadFilePrintsEveryProblemOnItsOwnLineAndExitsOne() throws Exception {
        Path config = write("bad.yaml", """
                upstreams:
                  shop: { url: "http://127.0.0.1:9001", conectTimeout: 2s }
                routes:
                  - id: products
                    match: { path: "/api/products/**" }
                    upstream: shop
                    bodyLimit: lots
                """);

        Result result = run("check", "--config", config.toString());

        assertThat(result.code).isEqualTo(1);
        assertThat(result.out).isEmpty();
        assertThat(result.err.lines()).hasSize(2).anySatisfy(line -> assertThat(line)
                        .startsWith("upstreams.shop.conectTimeout: unknown key"))
                .anySatisfy(line -> assertThat(line).startsWith("routes[0].bodyLimit: \"lots\" is not a size"));
        assertThat(result.err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void checkReportsProblemsFoundWhenCompilingRoutes() throws Exception {
        Path config = write("dangling.yaml", """
                upstreams:
                  shop: { url: "http://127.0.0.1:9001" }
                routes:
                  - id: products
                    match: { path: "/api/products/**" }
                    upstream: warehouse
                """);

        Result result = run("check", "--config", config.toString());

        assertThat(result.code).isEqualTo(1);
        assertThat(result.err).contains("warehouse").doesNotContain("\tat ");
    }

    @Test
    void checkOnAMissingFileSaysSoInOneLine() {
        Result result = run("check", "--config", dir.resolve("nope.yaml").toString());

        assertThat(result.code).isEqualTo(1);
        assertThat(result.err.lines()).singleElement().asString().contains("nope.yaml");
    }

    @Test
    void theDemoConfigurationPassesCheck() throws Exception {
        Result printed = run("demo", "--print-config");
        Path config = write("demo.yaml", printed.out);

        Result result = run("check", "--config", config.toString());

        assertThat(printed.code).isZero();
        assertThat(printed.out).contains("upstreams:").contains("${BULWARK_DEMO_BACKEND_PORT:-8081}");
        assertThat(result.err).isEmpty();
        assertThat(result.out).isEqualTo("config OK: 12 routes, 1 upstreams\n");
        assertThat(result.code).isZero();
    }

    @Test
    void theDemoConfigurationInProductionModeRefusesTheDemoSecrets() throws Exception {
        String demo = run("demo", "--print-config").out;
        Path config = write("demo-production.yaml", demo.replace("mode: development", "mode: production"));

        Result result = run("check", "--config", config.toString());

        assertThat(result.code).isEqualTo(BulwarkCommand.EXIT_FAILURE);
        assertThat(result.out).isEmpty();
        assertThat(result.err.lines())
                .anySatisfy(line -> assertThat(line).startsWith("routes[2].webhook.secrets[0]: ")
                        .contains("placeholder"))
                .anySatisfy(line -> assertThat(line).startsWith("routes[2].webhook.verifyTokens[0]: "))
                .anySatisfy(line -> assertThat(line).startsWith("routes[3].webhook.secrets[0]: "))
                .anySatisfy(line -> assertThat(line).startsWith("routes[4].webhook.secrets[0]: "))
                .allSatisfy(line -> assertThat(line).doesNotContain("not-for-production"));
    }

    @Test
    void versionPrintsTheBulwarkAndJavaVersions() {
        Result result = run("version");

        assertThat(result.code).isZero();
        assertThat(result.out.lines()).hasSize(2);
        assertThat(result.out.lines().findFirst()).hasValueSatisfying(line -> assertThat(line).startsWith("bulwark "));
        assertThat(result.out).contains("java " + Runtime.version().feature());
    }

    @Test
    void versionOptionPrintsTheSameAsTheCommand() {
        assertThat(run("--version").out).isEqualTo(run("version").out);
    }

    @Test
    void helpListsEveryCommand() {
        Result result = run("--help");

        assertThat(result.code).isZero();
        assertThat(result.out).contains("Usage: bulwark").contains("demo").contains("run").contains("check")
                .contains("version");
    }

    @Test
    void demoHelpExplainsWhatTheDataDirectoryHolds() {
        Result result = run("demo", "--help");

        assertThat(result.code).isZero();
        assertThat(result.out).contains("--port").contains("--backend-port").contains("--data")
                .contains("embedded H2 database");
    }

    @Test
    void noCommandIsAUsageError() {
        Result result = run();

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err.lines()).singleElement().asString()
                .startsWith("bulwark: missing command").contains("bulwark --help");
    }

    @Test
    void unknownCommandIsAUsageErrorInOneLine() {
        Result result = run("deploy");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err.lines()).singleElement().asString().contains("deploy");
    }

    @Test
    void runWithoutConfigIsAUsageError() {
        Result result = run("run");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("--config");
    }

    @Test
    void runWithABadConfigExitsOneWithoutStarting() throws Exception {
        Path config = write("bad.yaml", "server: { port: eighty }\n");

        Result result = run("run", "--config", config.toString());

        assertThat(result.code).isEqualTo(1);
        assertThat(result.err).startsWith("server.port: \"eighty\" is not an integer");
    }

    @Test
    void demoRefusesAPortOutOfRange() {
        Result result = run("demo", "--port", "70000");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("--port must be between 0 and 65535: 70000");
    }

    @Test
    void demoRefusesTheSamePortForGatewayAndBackend() {
        Result result = run("demo", "--port", "9090", "--backend-port", "9090");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("--port and --backend-port must differ: both are 9090");
    }

    @Test
    void nonNumericPortIsAUsageError() {
        Result result = run("demo", "--port", "http");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err.lines()).singleElement().asString().contains("http");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BulwarkCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString().replace(System.lineSeparator(), "\n"),
                err.toString().replace(System.lineSeparator(), "\n"));
    }

    private record Result(int code, String out, String err) {
    }
}
