package dev.bulwark.core.auth.apikey;

import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code auth.apiKeys} section and a route's {@code auth.apiKeys}/{@code apiKeyHeader}, from YAML to checks. */
class ApiKeyConfigLoadingTest {

    private static String config(String auth, String routeAuth) {
        return """
                mode: development
                upstreams:
                  backend: { url: "http://127.0.0.1:9000" }
                auth:
                %s
                routes:
                  - id: api
                    match: { path: "/api/**" }
                    upstream: backend
                    auth: %s
                """.formatted(auth, routeAuth);
    }

    private static BulwarkConfig load(String text) {
        return ConfigLoader.parse(text, "bulwark.yaml", name -> null);
    }

    private static List<String> problems(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteCompiler.check(load(text)));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void routesTakeKeysAlsoOrOnlyFromTheDefaultOrANamedHeader() {
        BulwarkConfig also = load(config("  issuer: shop", "{ mode: required, apiKeys: also }"));
        BulwarkConfig only = load(config("  issuer: shop", "{ apiKeys: only, apiKeyHeader: X-Machine-Key }"));
        BulwarkConfig off = load(config("  issuer: shop", "required"));

        assertThat(also.routes().getFirst().inline().auth()).isEqualTo(AuthRouteConfig.REQUIRED
                .withApiKeys(AuthRouteConfig.ApiKeyMode.ALSO, "X-Api-Key"));
        assertThat(only.routes().getFirst().inline().auth()).isEqualTo(AuthRouteConfig.REQUIRED
                .withApiKeys(AuthRouteConfig.ApiKeyMode.ONLY, "X-Machine-Key"));
        assertThat(off.routes().getFirst().inline().auth().acceptsApiKeys()).isFalse();
        RouteCompiler.check(also);
        RouteCompiler.check(only);
    }

    @Test
    void theGuessingLimitDefaultsToTenAMinuteAndCanBeSet() {
        assertThat(load(config("  issuer: shop", "required")).auth().apiKeys()).isEqualTo(ApiKeyConfig.DEFAULT);
        assertThat(ApiKeyConfig.DEFAULT).isEqualTo(new ApiKeyConfig(10, Duration.ofMinutes(1)));

        BulwarkConfig set = load(config("  apiKeys: { failureLimit: 5, failurePeriod: 10m }", "required"));

        assertThat(set.auth().apiKeys()).isEqualTo(new ApiKeyConfig(5, Duration.ofMinutes(10)));
    }

    @Test
    void badSettingsStopTheConfigurationNamingTheKey() {
        assertThat(catchThrowableOfType(ConfigException.class,
                () -> load(config("  issuer: shop", "{ apiKeys: sometimes }"))).getMessage())
                .contains("routes[0].auth.apiKeys").contains("sometimes");
        assertThat(problems(config("  issuer: shop", "{ apiKeys: also, apiKeyHeader: Authorization }")))
                .containsExactly("routes[0].auth.apiKeyHeader: \"Authorization\" carries other credentials"
                        + " (expected a header of its own, e.g. X-Api-Key)");
        assertThat(problems(config("  issuer: shop", "{ apiKeys: also, apiKeyHeader: \"X Key\" }")))
                .containsExactly("routes[0].auth.apiKeyHeader: \"X Key\" is not a valid header name");
        assertThat(problems(config("  issuer: shop", "{ mode: off, apiKeys: only }")))
                .containsExactly("routes[0].auth.apiKeys: needs auth mode required or optional (auth is off here)");
        assertThat(problems(config("  apiKeys: { failureLimit: 0, failurePeriod: 0s }", "required")))
                .containsExactly("auth.apiKeys.failureLimit: 0 must be 1 to 1000000",
                        "auth.apiKeys.failurePeriod: 0s must be 1s to 1d");
    }
}
