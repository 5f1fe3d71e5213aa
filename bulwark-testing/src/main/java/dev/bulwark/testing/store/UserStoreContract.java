package dev.bulwark.testing.store;

import dev.bulwark.api.store.CreateUserResult;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserPage;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.api.store.UserStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link UserStore} implementation must show; each implementation's test extends this
 * class and supplies the store.
 *
 * <p>Ids and emails are random per test, so a shared database needs no cleanup between tests.
 */
public abstract class UserStoreContract {

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private UserStore store;

    /**
     * @param clock the clock the store must take timestamps from
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract UserStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    private static String uniqueEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    private static NewUser newUser(String email) {
        return new NewUser(UUID.randomUUID().toString(), email, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                Set.of("user"), Set.of("orders:read"), Set.of("clinic-1"));
    }

    private User created(NewUser user) {
        CreateUserResult result = await(store.create(user));
        assertThat(result).isInstanceOf(CreateUserResult.Created.class);
        return ((CreateUserResult.Created) result).user();
    }

    @Test
    void createdUserIsFoundByIdAndByEmailInAnyCase() {
        String email = uniqueEmail();
        NewUser request = newUser(email);

        User user = created(request);

        assertThat(user.id()).isEqualTo(request.id());
        assertThat(user.email()).isEqualTo(email);
        assertThat(user.status()).isEqualTo(UserStatus.ACTIVE);
        assertThat(user.roles()).containsExactly("user");
        assertThat(user.permissions()).containsExactly("orders:read");
        assertThat(user.tenants()).containsExactly("clinic-1");
        assertThat(user.createdAt()).isEqualTo(clock.instant());
        assertThat(user.passwordChangedAt()).isEqualTo(clock.instant());
        assertThat(await(store.findById(user.id()))).hasValue(user);
        assertThat(await(store.findByEmail("  " + email.toUpperCase(java.util.Locale.ROOT) + " "))).hasValue(user);
    }

    @Test
    void anEmailIsTakenWhateverItsCase() {
        String email = uniqueEmail();
        created(newUser(email));

        CreateUserResult second = await(store.create(newUser(email.toUpperCase(java.util.Locale.ROOT))));

        assertThat(second).isInstanceOf(CreateUserResult.EmailTaken.class);
        assertThat(second.created()).isFalse();
    }

    @Test
    void aReusedIdIsRefusedAndNothingIsWritten() {
        User first = created(newUser(uniqueEmail()));
        String otherEmail = uniqueEmail();

        CreateUserResult second = await(store.create(new NewUser(first.id(), otherEmail, "x", Set.of(), Set.of(),
                Set.of())));

        assertThat(second.created()).isFalse();
        assertThat(await(store.findByEmail(otherEmail))).isEmpty();
    }

    @Test
    void eightConcurrentRegistrationsOfOneEmailCreateExactlyOneUser() throws Exception {
        String email = uniqueEmail();

        List<CreateUserResult> results = Concurrently.run(8, i -> store.create(newUser(email)));

        assertThat(results).filteredOn(CreateUserResult::created).hasSize(1);
        assertThat(results).filteredOn(r -> r instanceof CreateUserResult.EmailTaken).hasSize(7);
    }

    @Test
    void unknownUsersAreEmptyNotErrors() {
        String id = UUID.randomUUID().toString();

        assertThat(await(store.findById(id))).isEmpty();
        assertThat(await(store.findByEmail(uniqueEmail()))).isEmpty();
        assertThat(await(store.changePassword(id, "h"))).isEmpty();
        assertThat(await(store.setAccess(id, Set.of("admin"), Set.of()))).isEmpty();
        assertThat(await(store.setStatus(id, UserStatus.DISABLED))).isEmpty();
        assertThat(await(store.rehashPassword(id, "a", "b"))).isFalse();
    }

    @Test
    void rehashReplacesTheHashWithoutMovingPasswordChangedAt() {
        User user = created(newUser(uniqueEmail()));
        clock.advance(Duration.ofMinutes(5));

        assertThat(await(store.rehashPassword(user.id(), user.passwordHash(), "$argon2id$stronger"))).isTrue();

        User rehashed = await(store.findById(user.id())).orElseThrow();
        assertThat(rehashed.passwordHash()).isEqualTo("$argon2id$stronger");
        assertThat(rehashed.passwordChangedAt()).isEqualTo(user.passwordChangedAt());
        assertThat(rehashed.updatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aRehashRacingAPasswordChangeLoses() {
        User user = created(newUser(uniqueEmail()));
        await(store.changePassword(user.id(), "$argon2id$new-password"));

        assertThat(await(store.rehashPassword(user.id(), user.passwordHash(), "$argon2id$old-password-rehashed")))
                .isFalse();

        assertThat(await(store.findById(user.id())).orElseThrow().passwordHash())
                .isEqualTo("$argon2id$new-password");
    }

    @Test
    void changingThePasswordMovesPasswordChangedAt() {
        User user = created(newUser(uniqueEmail()));
        clock.advance(Duration.ofHours(1));

        User changed = await(store.changePassword(user.id(), "$argon2id$changed")).orElseThrow();

        assertThat(changed.passwordHash()).isEqualTo("$argon2id$changed");
        assertThat(changed.passwordChangedAt()).isEqualTo(clock.instant());
        assertThat(changed.updatedAt()).isEqualTo(clock.instant());
        assertThat(changed.createdAt()).isEqualTo(user.createdAt());
        assertThat(await(store.findById(user.id()))).hasValue(changed);
    }

    @Test
    void accessIsReplacedWhole() {
        User user = created(newUser(uniqueEmail()));

        User updated = await(store.setAccess(user.id(), Set.of("admin", "support"), Set.of())).orElseThrow();

        assertThat(updated.roles()).containsExactly("admin", "support");
        assertThat(updated.permissions()).isEmpty();
        assertThat(await(store.findById(user.id())).orElseThrow().roles()).containsExactly("admin", "support");
    }

    @Test
    void tenantsAreReplacedWholeAndNothingElseChanges() {
        User user = created(newUser(uniqueEmail()));
        clock.advance(Duration.ofMinutes(1));

        User updated = await(store.setTenants(user.id(), Set.of("clinic-7", "clinic-2"))).orElseThrow();

        assertThat(updated.tenants()).containsExactly("clinic-2", "clinic-7");
        assertThat(updated.roles()).isEqualTo(user.roles());
        assertThat(updated.permissions()).isEqualTo(user.permissions());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(await(store.findById(user.id()))).hasValue(updated);
        assertThat(await(store.setTenants(user.id(), Set.of())).orElseThrow().tenants()).isEmpty();
    }

    @Test
    void tenantsOfAnUnknownUserAreEmptyAndBadNamesAreRefused() {
        User user = created(newUser(uniqueEmail()));

        assertThat(await(store.setTenants(UUID.randomUUID().toString(), Set.of("clinic-1")))).isEmpty();
        assertThatThrownBy(() -> store.setTenants(user.id(), Set.of("clinic\n2")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.setTenants(user.id(), Set.of("c".repeat(User.MAX_NAME_LENGTH + 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(await(store.findById(user.id())).orElseThrow().tenants()).containsExactly("clinic-1");
    }

    @Test
    void aUserCanBeDisabledAndEnabledAgain() {
        User user = created(newUser(uniqueEmail()));

        assertThat(await(store.setStatus(user.id(), UserStatus.DISABLED)).orElseThrow().isActive()).isFalse();
        assertThat(await(store.findByEmail(user.email())).orElseThrow().status()).isEqualTo(UserStatus.DISABLED);

        assertThat(await(store.setStatus(user.id(), UserStatus.ACTIVE)).orElseThrow().isActive()).isTrue();
    }

    @Test
    void listingPagesThroughEveryUserInEmailOrderOnce() {
        String prefix = "page-" + UUID.randomUUID();
        List<String> mine = new ArrayList<>();
        for (int i = 6; i >= 0; i--) {
            String email = prefix + "-" + i + "@example.com";
            created(newUser(email));
            mine.add(email);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            UserPage page = await(store.list(cursor, 3));
            assertThat(page.users()).hasSizeLessThanOrEqualTo(3);
            page.users().forEach(u -> seen.add(u.email()));
            cursor = page.next().orElse(null);
            pages++;
        } while (cursor != null && pages < 10_000);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen.stream().filter(e -> e.startsWith(prefix)).toList())
                .containsExactlyElementsOf(mine.stream().sorted().toList());
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void outOfRangePageSizesAndMalformedEmailsAreRefused() {
        assertThatThrownBy(() -> store.list(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(null, UserStore.MAX_PAGE_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.findByEmail("no-at-sign")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a valid email: no-at-sign");
        assertThatThrownBy(() -> store.findByEmail("a".repeat(300) + "@example.com"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePasswordHashNeverAppearsInToString() {
        User user = created(newUser(uniqueEmail()));

        assertThat(user.toString()).doesNotContain("argon2id");
    }
}
