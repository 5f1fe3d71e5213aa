package dev.bulwark.core.auth;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A route's {@code auth} mapping, from YAML to {@link AuthRouteConfig}. */
class RouteAuthConfigLoadingTest {

    private static AuthRouteConfig routeAuth(String value) {
        BulwarkConfig config = ConfigLoader.parse("""
                mode: development
                upstreams:
                  backend: { url: "http://127.0.0.1:9000" }
                auth:
                  issuer: shop
                routes:
                  - id: api
                    match: { path: "/api/**" }
                    upstream: backend
                    auth: %s
                """.formatted(value), "bulwark.yaml", name -> null);
        return config.routes().getFirst().inline().auth();
    }

    @Test
    void theMappingsKeysAreReadAndTheTokenIsForwardedUnlessTheRouteSaysNot() {
        AuthRouteConfig forwarded = routeAuth("{ mode: optional, issuers: [shop], queryParameter: access_token }");
        AuthRouteConfig withheld = routeAuth("{ queryParameter: access_token, forwardToken: false }");

        assertThat(forwarded).isEqualTo(new AuthRouteConfig(AuthRouteConfig.Mode.OPTIONAL, List.of("shop"),
                "access_token"));
        assertThat(forwarded.forwardToken()).isTrue();
        assertThat(routeAuth("required").forwardToken()).isTrue();
        assertThat(withheld).isEqualTo(new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED, List.of(), "access_token")
                .withForwardToken(false));
    }

    @Test
    void aForwardTokenThatIsNotABooleanIsRefusedWithItsKeyPath() {
        assertThatThrownBy(() -> routeAuth("{ forwardToken: sometimes }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[0].auth.forwardToken");
    }
}
