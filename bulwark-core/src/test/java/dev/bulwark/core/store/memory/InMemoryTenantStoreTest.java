package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.TenantStoreContract;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryTenantStoreTest extends TenantStoreContract {

    @Override
    protected TenantStore createStore(FakeClock clock) {
        return new InMemoryTenantStore(clock, 10_000);
    }

    @Test
    void aFullStoreRefusesNewTenantsButStillReportsTakenIds() throws Exception {
        InMemoryTenantStore small = new InMemoryTenantStore(clock, 1);
        small.create("clinic-a", "A").toCompletableFuture().get();

        assertThatThrownBy(() -> small.create("clinic-b", "B").toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("tenant store is full: 1 tenants");
        assertThat(small.create("clinic-a", "A again").toCompletableFuture().get()).isEmpty();
    }
}
