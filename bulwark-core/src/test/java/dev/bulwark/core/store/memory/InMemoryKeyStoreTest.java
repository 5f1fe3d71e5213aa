package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.KeyStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.KeyStoreContract;

class InMemoryKeyStoreTest extends KeyStoreContract {

    @Override
    protected KeyStore createStore(FakeClock clock) {
        return new InMemoryKeyStore(clock);
    }
}
