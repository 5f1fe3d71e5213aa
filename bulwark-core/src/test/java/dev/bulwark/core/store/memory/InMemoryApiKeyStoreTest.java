package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.ApiKeyStoreContract;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {

    @Override
    protected ApiKeyStore createStore(FakeClock clock) {
        return new InMemoryApiKeyStore(clock, 10_000);
    }

    @Test
    void aFullStoreRefusesNewKeysButStillAnswersForATakenId() throws Exception {
        InMemoryApiKeyStore small = new InMemoryApiKeyStore(clock, 1);
        small.create(key("k1")).toCompletableFuture().get();

        assertThatThrownBy(() -> small.create(key("k2")).toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("api key store is full: 1 keys");
        assertThat(small.create(key("k1")).toCompletableFuture().get()).isFalse();
    }

    private ApiKey key(String id) {
        return new ApiKey(id, "n", "v1:h", Set.of(), null, "cli", clock.instant(), null, null, null);
    }
}
