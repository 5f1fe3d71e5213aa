package dev.bulwark.core.config;

import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.core.routing.PathNormalizer;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file in {@code examples/} must load and compile, so the examples never rot. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)")).sorted().toList().stream();
        }
    }

    @Test
    void theDocumentedExamplesExist() {
        assertThat(EXAMPLES.resolve("merchant-platform.yaml")).isRegularFile();
        assertThat(EXAMPLES.resolve("clinic.yaml")).isRegularFile();
        assertThat(EXAMPLES.resolve("crm.yaml")).isRegularFile();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void loadsAndCompilesWithAnEmptyEnvironment(Path example) {
        CompiledRoutes routes = RouteCompiler.compile(ConfigLoader.load(example, name -> null));

        assertThat(routes.routes()).isNotEmpty();
    }

    @Test
    void loadsInProductionModeToo() throws IOException {
        for (Path example : examples().toList()) {
            RouteCompiler.compile(ConfigLoader.load(example, Map.of("BULWARK_MODE", "production",
                    "BULWARK_MASTER_KEY", "q83vEjRW1Ll4mB9zXo2YtP6cKd0aGh7sUe5fNi3wRxM=")::get));
        }
    }

    @Test
    void theMerchantPlatformGivesWebhooksTheSeedsTwoMegabyteLimitAndNoCors() throws IOException {
        CompiledRoutes routes = RouteCompiler.compile(
                ConfigLoader.load(EXAMPLES.resolve("merchant-platform.yaml"), name -> null));

        var webhook = routes.match("api.kaleem-ai.com", "POST",
                PathNormalizer.normalize("/api/webhooks/telegram/42")).route();
        assertThat(webhook.id()).isEqualTo("webhooks");
        assertThat(webhook.policy().bodyLimit().json()).isEqualTo(2L * 1024 * 1024);
        assertThat(webhook.policy().cors()).isNull();
        var products = routes.match("api.kaleem-ai.com", "GET", PathNormalizer.normalize("/api/products")).route();
        assertThat(products.policy().cors().allowedOrigins()).contains("https://*.kaleem-ai.com");
        assertThat(products.policy().bodyLimit().json()).isEqualTo(5L * 1024 * 1024);
    }
}
