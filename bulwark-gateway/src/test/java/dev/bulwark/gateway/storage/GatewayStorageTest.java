package dev.bulwark.gateway.storage;

import dev.bulwark.core.config.StorageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayStorageTest {

    @TempDir
    Path dir;

    @Test
    void memoryStorageIsAlwaysReady() {
        try (GatewayStorage storage = GatewayStorage.open(StorageConfig.MEMORY, Clock.systemUTC())) {
            assertThat(storage.ping(1000).toCompletableFuture().join()).isTrue();
        }
    }

    @Test
    void anEmbeddedDatabaseIsReadyWhileOpenAndNotReadyOnceItIsGone() {
        GatewayStorage storage = GatewayStorage.open(StorageConfig.h2(dir.resolve("data")), Clock.systemUTC());
        assertThat(storage.ping(1000).toCompletableFuture().join()).isTrue();

        storage.close();

        assertThat(storage.ping(1000).toCompletableFuture().join()).isFalse();
    }
}
