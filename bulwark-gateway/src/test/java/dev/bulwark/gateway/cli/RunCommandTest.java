package dev.bulwark.gateway.cli;

import dev.bulwark.core.admin.AdminConfig;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.authz.AuthorizationConfig;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code bulwark run} prints once it listens: every port a user may need, the admin API's included. */
class RunCommandTest {

    private static final Path FILE = Path.of("bulwark.yaml");

    private static BulwarkConfig config(ServerConfig.Builder server, AdminConfig.Builder admin) {
        BulwarkConfig.Builder config = BulwarkConfig.builder()
                .server(server.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:9"))
                .route(RouteConfig.builder("all").path("/**").upstream("backend"));
        if (admin != null) {
            config.auth(AuthConfig.builder().hashing(new PasswordHashingConfig(1024, 1, 1, 16, 32)))
                    .authorization(new AuthorizationConfig(Map.of("admin", List.of("*")),
                            AuthorizationConfig.DEFAULT_ACTIONS))
                    .admin(admin);
        }
        return config.build();
    }

    private static List<String> linesFor(BulwarkConfig config) {
        try (Gateway gateway = Gateway.start(config, GatewayOptions.defaults().withEventLoops(1))) {
            return RunCommand.startupLines(FILE, config, gateway);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void adminApiOnItsOwnPortIsAnnouncedWithThatPort() throws IOException {
        int port = freePort();

        List<String> lines = linesFor(config(ServerConfig.builder(), AdminConfig.builder().port(port)));

        assertThat(lines).contains("bulwark: admin API under /_bulwark/admin on port " + port);
        assertThat(lines.getFirst()).startsWith("bulwark: serving bulwark.yaml on http://127.0.0.1:")
                .endsWith("(1 routes, 1 upstreams)");
    }

    @Test
    void adminApiOnTheMainPortAndBuiltinsOnTheAdminPortAreBothAnnounced() throws IOException {
        int adminPort = freePort();

        List<String> lines = linesFor(config(ServerConfig.builder().adminPort(adminPort),
                AdminConfig.builder().prefix("/ops")));

        assertThat(lines).contains("bulwark: health and metrics on admin port " + adminPort,
                "bulwark: admin API under /ops on the main port");
    }

    @Test
    void withoutAnAdminApiNoLineNamesIt() {
        List<String> lines = linesFor(config(ServerConfig.builder(), null));

        assertThat(lines).hasSize(1).noneMatch(line -> line.contains("admin"));
    }
}
