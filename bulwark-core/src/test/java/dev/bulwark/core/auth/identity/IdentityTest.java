package dev.bulwark.core.auth.identity;

import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.token.AccessToken;
import dev.bulwark.core.auth.token.AccessTokenVerifier;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.core.store.memory.InMemoryApiKeyStore;
import dev.bulwark.core.store.memory.InMemoryKeyStore;
import dev.bulwark.core.store.memory.InMemoryLoginAttemptStore;
import dev.bulwark.core.store.memory.InMemoryRevocationStore;
import dev.bulwark.core.store.memory.InMemorySessionStore;
import dev.bulwark.core.store.memory.InMemoryTenantStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity rules that the end-to-end tests do not reach cheaply: binding, idle expiry, re-hashing, disabling. */
class IdentityTest {

    private static final String PASSWORD = "sEcReT-correct-horse-battery-42";
    private static final Device FIREFOX = new Device("Mozilla/5.0 (X11) Gecko/20100101 Firefox/130.0", "10.0.0.1", null);

    private final FakeClock clock = new FakeClock();
    private AuthServices services;

    private Identity start(AuthConfig.Builder config) {
        services = AuthServices.start(config.hashing(new PasswordHashingConfig(1024, 1, 1, 16, 32)).build(),
                AuthServices.Stores.inMemory(clock), MasterKey.generate(), clock);
        return services.identity();
    }

    @AfterEach
    void stop() {
        if (services != null) {
            services.close();
        }
    }

    private static Identity.Tokens login(Identity identity, String email, Device device) {
        Identity.LoginOutcome outcome = identity.login(email, PASSWORD, device).toCompletableFuture().join();
        assertThat(outcome).isInstanceOf(Identity.LoginOutcome.Success.class);
        return ((Identity.LoginOutcome.Success) outcome).tokens();
    }

    private static String user(Identity identity) {
        String email = "ann@example.com";
        identity.createUser(email, PASSWORD, Set.of("MEMBER"), Set.of("clinic-7")).toCompletableFuture().join();
        return email;
    }

    @Test
    void withBindingDenyARefreshFromAnotherBrowserEndsTheSession() {
        Identity identity = start(AuthConfig.builder().sessionBinding(AuthConfig.SessionBinding.DENY));
        Identity.Tokens tokens = login(identity, user(identity), FIREFOX);
        Device chrome = new Device("Mozilla/5.0 Chrome/129.0 Safari/537.36", "10.0.0.1", null);

        Identity.RefreshOutcome stolen = identity.refresh(tokens.refreshToken(), chrome).toCompletableFuture().join();

        assertThat(stolen).isInstanceOf(Identity.RefreshOutcome.BindingChanged.class);
        assertThat(services.revocationSync().list().isRevoked(verify(tokens))).isTrue();
    }

    @Test
    void withBindingLogARefreshFromAnotherIpProceedsAndIsFlagged() {
        Identity identity = start(AuthConfig.builder().sessionBinding(AuthConfig.SessionBinding.LOG));
        Identity.Tokens tokens = login(identity, user(identity), FIREFOX);
        Device newer = new Device("Mozilla/5.0 (X11) Gecko/20100101 Firefox/131.0", "10.9.9.9", null);

        Identity.RefreshOutcome outcome = identity.refresh(tokens.refreshToken(), newer).toCompletableFuture().join();

        assertThat(outcome).isInstanceOfSatisfying(Identity.RefreshOutcome.Success.class,
                success -> assertThat(success.bindingChanged()).isTrue());
    }

    @Test
    void aBrowserUpdateDoesNotCountAsAnotherBrowser() {
        Identity identity = start(AuthConfig.builder().sessionBinding(AuthConfig.SessionBinding.DENY));
        Identity.Tokens tokens = login(identity, user(identity), FIREFOX);
        Device updated = new Device("Mozilla/5.0 (X11) Gecko/20100101 Firefox/131.0", "10.0.0.1", null);

        assertThat(identity.refresh(tokens.refreshToken(), updated).toCompletableFuture().join())
                .isInstanceOf(Identity.RefreshOutcome.Success.class);
    }

    @Test
    void anIdleSessionCannotBeRefreshed() {
        Identity identity = start(AuthConfig.builder().sessionIdleTimeout(Duration.ofHours(1)));
        Identity.Tokens tokens = login(identity, user(identity), FIREFOX);
        clock.advance(Duration.ofMinutes(61));

        assertThat(identity.refresh(tokens.refreshToken(), FIREFOX).toCompletableFuture().join())
                .isInstanceOf(Identity.RefreshOutcome.Invalid.class);
    }

    @Test
    void tokensCarryTheUsersRolesAndSingleTenant() {
        Identity identity = start(AuthConfig.builder());
        AccessToken token = verify(login(identity, user(identity), FIREFOX));

        assertThat(token.roles()).containsExactly("MEMBER");
        assertThat(token.tenant()).isEqualTo("clinic-7");
        assertThat(token.issuer()).isEqualTo("bulwark");
    }

    @Test
    void disablingAUserVoidsTheirTokensAndRefusesTheirLoginAndRefresh() {
        Identity identity = start(AuthConfig.builder());
        String email = user(identity);
        Identity.Tokens tokens = login(identity, email, FIREFOX);
        clock.advance(Duration.ofSeconds(5));

        identity.setStatus(tokens.user().id(), UserStatus.DISABLED).toCompletableFuture().join();

        assertThat(services.revocationSync().list().isRevoked(verify(tokens))).isTrue();
        assertThat(identity.login(email, PASSWORD, FIREFOX).toCompletableFuture().join())
                .isInstanceOf(Identity.LoginOutcome.Invalid.class);
        assertThat(identity.refresh(tokens.refreshToken(), FIREFOX).toCompletableFuture().join())
                .isInstanceOf(Identity.RefreshOutcome.Invalid.class);
    }

    @Test
    void aHashWithOldParametersIsReplacedAfterASuccessfulLogin() throws Exception {
        Identity identity = start(AuthConfig.builder());
        String email = user(identity);
        String before = identity.users().findByEmail(email).toCompletableFuture().join().orElseThrow().passwordHash();
        services.close();
        // The same users under stronger parameters: the stored hash is now an old one.
        services = AuthServices.start(AuthConfig.builder().hashing(new PasswordHashingConfig(2048, 1, 1, 16, 32))
                .build(), new AuthServices.Stores(identity.users(), new InMemorySessionStore(clock, 100),
                new InMemoryRevocationStore(clock, 100), new InMemoryLoginAttemptStore(clock, 100),
                new InMemoryKeyStore(clock), new InMemoryTenantStore(clock, 100), new InMemoryApiKeyStore(clock, 100)),
                MasterKey.generate(), clock);

        login(services.identity(), email, FIREFOX);

        String after = awaitChange(services.identity(), email, before);
        assertThat(after).contains("m=2048").isNotEqualTo(before);
        login(services.identity(), email, FIREFOX);
    }

    /** The re-hash runs behind the login response, so it is awaited for at most two seconds. */
    private static String awaitChange(Identity identity, String email, String before) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String now = identity.users().findByEmail(email).toCompletableFuture().join().orElseThrow().passwordHash();
            if (!now.equals(before)) {
                return now;
            }
            Thread.sleep(10);
        }
        return before;
    }

    private AccessToken verify(Identity.Tokens tokens) {
        TokenVerification verification = new AccessTokenVerifier(services.ring(),
                services.config().tokenConfig(), clock).verify(tokens.accessToken().token());
        assertThat(verification).isInstanceOf(TokenVerification.Verified.class);
        return ((TokenVerification.Verified) verification).token();
    }
}
