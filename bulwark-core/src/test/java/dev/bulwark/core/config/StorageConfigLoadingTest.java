package dev.bulwark.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The top-level {@code storage} block: the three kinds, and the strictness that keeps a typo from going unnoticed. */
class StorageConfigLoadingTest {

    private static final String ROUTES = """
            upstreams: { app: { url: "http://127.0.0.1:9" } }
            routes:
              - id: app
                match: { path: "/**" }
                upstream: app
            """;

    @TempDir
    Path dir;

    private static BulwarkConfig parse(String storage) {
        return ConfigLoader.parse(ROUTES + storage, "bulwark.yaml", Map.of("PG_PASSWORD", "sEcReT-pg-password")::get);
    }

    private static List<String> problems(String storage) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(storage));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void absentStorageMeansMemory() {
        BulwarkConfig config = parse("");

        assertThat(config.storage() == null ? StorageConfig.MEMORY : config.storage()).isEqualTo(StorageConfig.MEMORY);
    }

    @Test
    void memoryIsLoaded() {
        assertThat(parse("storage: { kind: memory }\n").storage()).isEqualTo(StorageConfig.MEMORY);
    }

    @Test
    void h2IsLoadedWithItsDirectoryOrTheDefault() {
        assertThat(parse("storage: { kind: h2, path: /var/lib/bulwark }\n").storage())
                .isEqualTo(StorageConfig.h2(Path.of("/var/lib/bulwark")));
        StorageConfig defaulted = parse("storage: { kind: H2 }\n").storage();
        assertThat(defaulted.kind()).isEqualTo(StorageConfig.Kind.H2);
        assertThat(defaulted.effectivePath()).isEqualTo(StorageConfig.DEFAULT_H2_PATH);
    }

    @Test
    void relativeH2DirectoryResolvesAgainstTheConfigFile() throws Exception {
        Path file = Files.writeString(dir.resolve("bulwark.yaml"), ROUTES + "storage: { kind: h2, path: data }\n");

        assertThat(ConfigLoader.load(file, name -> null).storage().effectivePath()).isEqualTo(dir.resolve("data"));
    }

    @Test
    void postgresqlIsLoadedAndItsPasswordIsNeverShown() {
        StorageConfig storage = parse("""
                storage:
                  kind: postgresql
                  url: "jdbc:postgresql://db.internal:5432/bulwark?sslmode=require"
                  username: bulwark
                  password: ${PG_PASSWORD}
                """).storage();

        assertThat(storage).isEqualTo(new StorageConfig(StorageConfig.Kind.POSTGRESQL, null,
                "jdbc:postgresql://db.internal:5432/bulwark?sslmode=require", "bulwark", "sEcReT-pg-password"));
        assertThat(storage.toString()).isEqualTo("postgresql (jdbc:postgresql://db.internal:5432/bulwark)");
        assertThat(parse("storage: { kind: postgres, url: \"jdbc:postgresql://db/b\" }\n").storage().kind())
                .isEqualTo(StorageConfig.Kind.POSTGRESQL);
    }

    @Test
    void unknownKeysAreRefused() {
        assertThat(problems("storage: { kind: h2, pth: data }\n"))
                .singleElement().asString().startsWith("storage.pth: unknown key");
    }

    @Test
    void kindIsRequiredAndMustBeKnown() {
        assertThat(problems("storage: { path: data }\n")).anySatisfy(line -> assertThat(line)
                .startsWith("storage.kind: is required"));
        assertThat(problems("storage: { kind: redis }\n")).singleElement().asString()
                .isEqualTo("storage.kind: \"redis\" is not a storage kind (expected memory, h2 or postgresql)");
    }

    @Test
    void keysOfAnotherKindAreRefused() {
        assertThat(problems("storage: { kind: memory, path: data }\n")).singleElement().asString()
                .isEqualTo("storage.path: only applies to kind h2");
        assertThat(problems("storage: { kind: h2, url: \"jdbc:postgresql://db/b\", password: x }\n"))
                .containsExactlyInAnyOrder("storage.url: only applies to kind postgresql",
                        "storage.password: only applies to kind postgresql");
    }

    @Test
    void postgresqlNeedsAPostgresqlUrl() {
        assertThat(problems("storage: { kind: postgresql }\n")).singleElement().asString()
                .startsWith("storage.url: is required");
        assertThat(problems("storage: { kind: postgresql, url: \"jdbc:mysql://db/b\", password: \"${PG_PASSWORD}\" }\n"))
                .singleElement().asString().startsWith("storage.url: \"jdbc:mysql://db/b\" is not a postgresql url")
                .doesNotContain("sEcReT-");
    }

    @Test
    void storageMustBeAMapping() {
        assertThat(problems("storage: h2\n")).singleElement().asString().startsWith("storage: ");
    }
}
