package dev.bulwark.core.config;

import dev.bulwark.core.admin.AdminConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which of the gateway's ports serves the routes, the built-in endpoints and the admin API. */
class ListenerTest {

    private static BulwarkConfig config(Integer adminPort, AdminConfig.Builder admin) {
        BulwarkConfig.Builder builder = BulwarkConfig.builder()
                .server(ServerConfig.builder().port(8080).adminPort(adminPort));
        if (admin != null) {
            builder.admin(admin);
        }
        return builder.build();
    }

    private static Listener[] open(BulwarkConfig config) {
        return Arrays.stream(Listener.values()).filter(listener -> listener.isOpen(config)).toArray(Listener[]::new);
    }

    @Test
    void withoutOtherPortsTheMainPortServesEverything() {
        BulwarkConfig config = config(null, AdminConfig.builder());

        assertThat(open(config)).containsExactly(Listener.MAIN);
        assertThat(Listener.MAIN.servesRoutes()).isTrue();
        assertThat(Listener.MAIN.servesBuiltins(config)).isTrue();
        assertThat(Listener.MAIN.servesAdminApi(config)).isTrue();
        assertThat(Listener.MAIN.port(config)).isEqualTo(8080);
    }

    @Test
    void anAdminPortTakesTheBuiltinsOffTheMainPortButNotTheAdminApi() {
        BulwarkConfig config = config(9901, AdminConfig.builder());

        assertThat(open(config)).containsExactly(Listener.MAIN, Listener.BUILTINS);
        assertThat(Listener.builtins(config)).isEqualTo(Listener.BUILTINS);
        assertThat(Listener.MAIN.servesBuiltins(config)).isFalse();
        assertThat(Listener.BUILTINS.servesRoutes()).isFalse();
        assertThat(Listener.adminApi(config)).isEqualTo(Listener.MAIN);
        assertThat(Listener.BUILTINS.port(config)).isEqualTo(9901);
    }

    @Test
    void anAdminApiPortEqualToTheAdminPortSharesItWithTheBuiltins() {
        BulwarkConfig config = config(9901, AdminConfig.builder().port(9901));

        assertThat(open(config)).containsExactly(Listener.MAIN, Listener.BUILTINS);
        assertThat(Listener.adminApi(config)).isEqualTo(Listener.BUILTINS);
        assertThat(Listener.BUILTINS.servesBuiltins(config)).isTrue();
        assertThat(Listener.MAIN.servesAdminApi(config)).isFalse();
    }

    @Test
    void anAdminApiPortOfItsOwnServesTheApiOnly() {
        BulwarkConfig config = config(9901, AdminConfig.builder().port(9902));

        assertThat(open(config)).containsExactly(Listener.MAIN, Listener.BUILTINS, Listener.ADMIN_API);
        assertThat(Listener.adminApi(config)).isEqualTo(Listener.ADMIN_API);
        assertThat(Listener.ADMIN_API.servesBuiltins(config)).isFalse();
        assertThat(Listener.ADMIN_API.servesRoutes()).isFalse();
        assertThat(Listener.ADMIN_API.port(config)).isEqualTo(9902);
        assertThat(open(config(null, AdminConfig.builder().port(9902))))
                .as("without server.adminPort").containsExactly(Listener.MAIN, Listener.ADMIN_API);
    }

    @Test
    void anAdminApiThatIsOffIsServedNowhereAndOpensNoPort() {
        for (BulwarkConfig config : new BulwarkConfig[] {config(null, null),
                config(9901, AdminConfig.builder().enabled(false).port(9902))}) {
            assertThat(Listener.adminApi(config)).isNull();
            assertThat(Listener.values()).noneMatch(listener -> listener.servesAdminApi(config));
            assertThat(Listener.ADMIN_API.isOpen(config)).isFalse();
        }
        BulwarkConfig off = config(null, AdminConfig.builder().enabled(false).port(9902));
        assertThatThrownBy(() -> Listener.ADMIN_API.port(off)).isInstanceOf(IllegalStateException.class)
                .hasMessage("listener ADMIN_API is not open in this configuration");
    }
}
