package dev.bulwark.testing.store;

import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.api.store.User;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link TenantStore} implementation must show; each implementation's test extends this
 * class and supplies the store.
 *
 * <p>Ids are random per test, so a shared database needs no cleanup between tests.
 */
public abstract class TenantStoreContract {

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private TenantStore store;

    /**
     * @param clock the clock the store must take timestamps from
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract TenantStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    private static String uniqueId() {
        return "clinic-" + UUID.randomUUID();
    }

    @Test
    void aCreatedTenantIsActiveAndFoundById() {
        String id = uniqueId();

        Tenant tenant = await(store.create(id, "Green Valley Clinic")).orElseThrow();

        assertThat(tenant.id()).isEqualTo(id);
        assertThat(tenant.name()).isEqualTo("Green Valley Clinic");
        assertThat(tenant.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(tenant.isActive()).isTrue();
        assertThat(tenant.createdAt()).isEqualTo(clock.instant());
        assertThat(tenant.updatedAt()).isEqualTo(clock.instant());
        assertThat(await(store.findById(id))).hasValue(tenant);
    }

    @Test
    void aTakenIdIsRefusedAndTheFirstTenantIsKept() {
        String id = uniqueId();
        Tenant first = await(store.create(id, "First")).orElseThrow();

        assertThat(await(store.create(id, "Second"))).isEmpty();

        assertThat(await(store.findById(id))).hasValue(first);
    }

    @Test
    void eightConcurrentCreationsOfOneIdCreateExactlyOneTenant() throws Exception {
        String id = uniqueId();

        List<Optional<Tenant>> results = Concurrently.run(8, i -> store.create(id, "clinic " + i));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        String winner = results.stream().flatMap(Optional::stream).findFirst().orElseThrow().name();
        assertThat(await(store.findById(id)).orElseThrow().name()).isEqualTo(winner);
    }

    @Test
    void aSuspendedTenantCanBeReactivatedAndADeletedOneKeepsItsId() {
        String id = uniqueId();
        Tenant created = await(store.create(id, "Clinic")).orElseThrow();
        clock.advance(Duration.ofMinutes(3));

        Tenant suspended = await(store.setStatus(id, TenantStatus.SUSPENDED)).orElseThrow();

        assertThat(suspended.status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(suspended.isActive()).isFalse();
        assertThat(suspended.updatedAt()).isEqualTo(clock.instant());
        assertThat(suspended.createdAt()).isEqualTo(created.createdAt());
        assertThat(await(store.findById(id))).hasValue(suspended);
        assertThat(await(store.setStatus(id, TenantStatus.ACTIVE)).orElseThrow().isActive()).isTrue();

        await(store.setStatus(id, TenantStatus.DELETED));

        assertThat(await(store.findById(id)).orElseThrow().status()).isEqualTo(TenantStatus.DELETED);
        assertThat(await(store.create(id, "Reused"))).as("a deleted tenant's id is never reused").isEmpty();
    }

    @Test
    void unknownTenantsAreEmptyNotErrors() {
        String id = uniqueId();

        assertThat(await(store.findById(id))).isEmpty();
        assertThat(await(store.setStatus(id, TenantStatus.SUSPENDED))).isEmpty();
        assertThat(await(store.findById(id))).as("no tenant appears by changing an unknown one").isEmpty();
    }

    @Test
    void listingPagesThroughEveryTenantInIdOrderOnce() {
        String prefix = "page-" + UUID.randomUUID();
        List<String> mine = new ArrayList<>();
        for (int i = 6; i >= 0; i--) {
            String id = prefix + "-" + i;
            await(store.create(id, "tenant " + i));
            mine.add(id);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Tenant> page = await(store.list(cursor, 3));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            page.items().forEach(tenant -> seen.add(tenant.id()));
            cursor = page.next().orElse(null);
            pages++;
        } while (cursor != null && pages < 10_000);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen.stream().filter(id -> id.startsWith(prefix)).toList())
                .containsExactlyElementsOf(mine.stream().sorted().toList());
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void malformedIdsNamesAndPageSizesAreRefused() {
        assertThatThrownBy(() -> store.create("clinic\n7", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create(" ", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("c".repeat(User.MAX_NAME_LENGTH + 1), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create(uniqueId(), "n".repeat(Tenant.MAX_NAME_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(null, Page.MAX_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
