package dev.bulwark.core.auth.password;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code auth.password.hashing} and {@code auth.password.nice}, from YAML to the auth configuration. */
class PasswordHashingConfigLoadingTest {

    private static BulwarkConfig load(String hashing) {
        return loadPassword("{ hashing: %s }".formatted(hashing));
    }

    private static BulwarkConfig loadPassword(String password) {
        return ConfigLoader.parse("""
                mode: development
                upstreams:
                  backend: { url: "http://127.0.0.1:9000" }
                auth:
                  issuer: shop
                  password: %s
                routes:
                  - { id: api, match: { path: "/**" }, upstream: backend }
                """.formatted(password), "bulwark.yaml", name -> null);
    }

    @Test
    void hashingThreadsRunAtNiceNineteenUnlessToldOtherwise() {
        assertThat(loadPassword("{}").auth().hashNice()).isEqualTo(19);
        assertThat(loadPassword("{ nice: 0 }").auth().hashNice()).isZero();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RouteCompiler.check(loadPassword("{ nice: 20 }")));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("password.nice").contains("20 must be 0 to 19");
    }

    @Test
    void leftOutTheParametersAreOwaspsAndTheEngineIsChosenAtStartUp() {
        assertThat(load("{}").auth().hashing()).isEqualTo(PasswordHashingConfig.OWASP);
        assertThat(PasswordHashingConfig.OWASP.engine()).isEqualTo(Argon2Engine.AUTO);
    }

    @Test
    void everyKeyIsRead() {
        PasswordHashingConfig hashing = load("{ memory: 64MiB, iterations: 3, parallelism: 2, engine: java }")
                .auth().hashing();

        assertThat(hashing).isEqualTo(new PasswordHashingConfig(64 * 1024, 3, 2, 16, 32, Argon2Engine.JAVA));
        assertThat(load("{ engine: native }").auth().hashing().engine()).isEqualTo(Argon2Engine.NATIVE);
    }

    @Test
    void anUnknownEngineIsAProblemThatNamesTheChoices() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("{ engine: fast }"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString).singleElement().asString()
                .contains("auth.password.hashing.engine").contains("\"fast\" is not one of [auto, native, java]");
    }
}
