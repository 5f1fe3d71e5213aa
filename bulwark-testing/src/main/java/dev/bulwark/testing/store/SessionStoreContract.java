package dev.bulwark.testing.store;

import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.Rotation;
import dev.bulwark.api.store.Session;
import dev.bulwark.api.store.SessionCreated;
import dev.bulwark.api.store.SessionStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link SessionStore} implementation must show: refresh-token rotation with reuse
 * detection and a grace window, the per-user cap, idle and absolute expiry. Each implementation's test extends
 * this class and supplies the store.
 *
 * <p>User and session ids are random per test, so a shared database needs no cleanup between tests.
 */
public abstract class SessionStoreContract {

    private static final Duration LIFETIME = Duration.ofDays(7);
    private static final Duration IDLE = Duration.ofDays(1);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Device DEVICE = new Device("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "203.0.113.7",
            "fp-123");

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private SessionStore store;

    /**
     * @param clock the clock the store must measure expiry with
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract SessionStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private SessionCreated open(String userId, String sessionId, String refreshHash, int cap) {
        return await(store.create(new NewSession(sessionId, userId, DEVICE, refreshHash, LIFETIME, IDLE), cap));
    }

    private Session open(String userId, String refreshHash) {
        return open(userId, id(), refreshHash, 5).session();
    }

    private Rotation rotate(Session session, String presented, String next) {
        return await(store.rotate(session.id(), presented, next, "successor-of-" + presented, GRACE));
    }

    @Test
    void anOpenedSessionIsFoundAndListedWithItsDevice() {
        String user = id();
        Session session = open(user, "h0");

        assertThat(session.userId()).isEqualTo(user);
        assertThat(session.createdAt()).isEqualTo(clock.instant());
        assertThat(session.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(session.expiresAt()).isEqualTo(clock.instant().plus(LIFETIME));
        assertThat(session.idleTimeout()).isEqualTo(IDLE);
        assertThat(session.device()).isEqualTo(DEVICE);
        assertThat(await(store.find(session.id()))).hasValue(session);
        assertThat(await(store.listByUser(user))).containsExactly(session);
        assertThat(await(store.listByUser(id()))).isEmpty();
    }

    @Test
    void aDeviceWithoutFingerprintIsKept() {
        Device bare = new Device("", "2001:db8::1", null);
        Session session = await(store.create(new NewSession(id(), id(), bare, "h", LIFETIME, IDLE), 5)).session();

        assertThat(await(store.find(session.id())).orElseThrow().device()).isEqualTo(bare);
    }

    @Test
    void theCurrentTokenRotatesAndMovesLastSeen() {
        Session session = open(id(), "h0");
        clock.advance(Duration.ofMinutes(15));

        Rotation rotation = rotate(session, "h0", "h1");

        assertThat(rotation.outcome()).isEqualTo(Rotation.Outcome.ROTATED);
        assertThat(rotation.session().lastSeenAt()).isEqualTo(clock.instant());
        assertThat(rotation.session().expiresAt()).isEqualTo(session.expiresAt());
        assertThat(rotation.successorHandle()).isEmpty();
        assertThat(rotate(session, "h1", "h2").outcome()).isEqualTo(Rotation.Outcome.ROTATED);
    }

    @Test
    void thePreviousTokenWithinTheGraceWindowGetsTheSameSuccessor() {
        Session session = open(id(), "h0");
        rotate(session, "h0", "h1");
        clock.advance(GRACE.minusMillis(1));

        Rotation retry = await(store.rotate(session.id(), "h0", "another-new-hash", "another-successor", GRACE));

        assertThat(retry.outcome()).isEqualTo(Rotation.Outcome.GRACE_RETRY);
        assertThat(retry.successorHandle()).hasValue("successor-of-h0");
        assertThat(rotate(session, "h1", "h2").outcome())
                .as("the successor issued by the first rotation stays current").isEqualTo(Rotation.Outcome.ROTATED);
    }

    @Test
    void thePreviousTokenAfterTheGraceWindowRevokesTheWholeFamily() {
        Session session = open(id(), "h0");
        rotate(session, "h0", "h1");
        clock.advance(GRACE);

        Rotation replay = rotate(session, "h0", "stolen-next");

        assertThat(replay.outcome()).isEqualTo(Rotation.Outcome.REUSE_DETECTED);
        assertThat(replay.session().id()).isEqualTo(session.id());
        assertThat(await(store.find(session.id()))).isEmpty();
        assertThat(rotate(session, "h1", "h2").outcome())
                .as("the legitimate holder's token dies with the family").isEqualTo(Rotation.Outcome.UNKNOWN);
    }

    @Test
    void anOlderTokenRevokesTheFamilyEvenInsideTheGraceWindow() {
        Session session = open(id(), "h0");
        rotate(session, "h0", "h1");
        rotate(session, "h1", "h2");

        assertThat(rotate(session, "h0", "x").outcome()).isEqualTo(Rotation.Outcome.REUSE_DETECTED);
        assertThat(await(store.find(session.id()))).isEmpty();
    }

    @Test
    void aForgedTokenNamingARealSessionChangesNothing() {
        Session session = open(id(), "h0");

        assertThat(rotate(session, "forged", "x").outcome()).isEqualTo(Rotation.Outcome.UNKNOWN);
        assertThat(await(store.find(session.id()))).isPresent();
        assertThat(rotate(session, "h0", "h1").outcome()).isEqualTo(Rotation.Outcome.ROTATED);
    }

    @Test
    void anUnknownSessionIsUnknown() {
        assertThat(await(store.rotate(id(), "h0", "h1", "s", GRACE))).isEqualTo(Rotation.unknown());
        assertThat(await(store.find(id()))).isEmpty();
        assertThat(await(store.revoke(id()))).isEmpty();
    }

    @Test
    void eightTabsRefreshingAtOnceGetOneRotationAndTheSameSuccessor() throws Exception {
        Session session = open(id(), "h0");

        List<Rotation> rotations = Concurrently.run(8,
                i -> store.rotate(session.id(), "h0", "new-" + i, "successor-" + i, GRACE));

        List<Rotation> rotated = rotations.stream().filter(r -> r.outcome() == Rotation.Outcome.ROTATED).toList();
        assertThat(rotated).hasSize(1);
        String winner = "successor-" + rotations.indexOf(rotated.get(0));
        assertThat(rotations).filteredOn(r -> r.outcome() == Rotation.Outcome.GRACE_RETRY).hasSize(7)
                .allSatisfy(r -> assertThat(r.successorHandle()).hasValue(winner));
        String winningHash = "new-" + rotations.indexOf(rotated.get(0));
        assertThat(rotate(session, winningHash, "h2").outcome()).isEqualTo(Rotation.Outcome.ROTATED);
    }

    @Test
    void openingPastTheCapEndsTheOldestSessions() {
        String user = id();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(open(user, id(), "h" + i, 3).session().id());
            clock.advance(Duration.ofSeconds(1));
        }

        SessionCreated fourth = open(user, id(), "h3", 3);

        assertThat(fourth.evictedSessionIds()).containsExactly(ids.get(0));
        assertThat(await(store.listByUser(user))).extracting(Session::id)
                .containsExactly(ids.get(1), ids.get(2), fourth.session().id());
        assertThat(await(store.find(ids.get(0)))).isEmpty();
    }

    @Test
    void loweringTheCapEndsEveryExtraSessionOldestFirst() {
        String user = id();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(open(user, id(), "h" + i, 5).session().id());
            clock.advance(Duration.ofSeconds(1));
        }

        SessionCreated next = open(user, id(), "h4", 2);

        assertThat(next.evictedSessionIds()).containsExactly(ids.get(0), ids.get(1), ids.get(2));
        assertThat(await(store.listByUser(user))).hasSize(2);
    }

    @Test
    void eightConcurrentLoginsNeverExceedTheCap() throws Exception {
        String user = id();

        List<SessionCreated> results = Concurrently.run(8, i -> store.create(
                new NewSession(id(), user, DEVICE, "h" + i, LIFETIME, IDLE), 3));

        List<Session> live = await(store.listByUser(user));
        assertThat(live).hasSize(3);
        Set<String> evicted = new HashSet<>();
        results.forEach(r -> evicted.addAll(r.evictedSessionIds()));
        assertThat(evicted).hasSize(5);
        Set<String> all = new HashSet<>(evicted);
        live.forEach(s -> all.add(s.id()));
        assertThat(all).containsExactlyInAnyOrderElementsOf(results.stream().map(r -> r.session().id()).toList());
    }

    @Test
    void otherUsersSessionsDoNotCountTowardTheCap() {
        String user = id();
        open(user, id(), "a", 1);

        assertThat(open(id(), id(), "b", 1).evictedSessionIds()).isEmpty();
        assertThat(await(store.listByUser(user))).hasSize(1);
    }

    @Test
    void expiredSessionsDoNotCountTowardTheCapAndAreNotReportedAsEvicted() {
        String user = id();
        open(user, id(), "a", 1);
        clock.advance(IDLE);

        assertThat(open(user, id(), "b", 1).evictedSessionIds()).isEmpty();
    }

    @Test
    void aSessionIdleTooLongEnds() {
        Session session = open(id(), "h0");
        clock.advance(IDLE.minusSeconds(1));
        assertThat(rotate(session, "h0", "h1").outcome()).isEqualTo(Rotation.Outcome.ROTATED);

        clock.advance(IDLE.minusSeconds(1));
        assertThat(await(store.find(session.id()))).as("a refresh restarts the idle timer").isPresent();

        clock.advance(Duration.ofSeconds(1));
        assertThat(await(store.find(session.id()))).isEmpty();
        assertThat(rotate(session, "h1", "h2").outcome()).isEqualTo(Rotation.Outcome.UNKNOWN);
        assertThat(await(store.listByUser(session.userId()))).isEmpty();
    }

    @Test
    void aSessionEndsAtItsAbsoluteExpiryHoweverOftenItRefreshes() {
        Session session = open(id(), "h0");
        String current = "h0";
        for (int i = 1; i < 7; i++) {
            clock.advance(Duration.ofHours(23));
            assertThat(rotate(session, current, "h" + i).outcome()).isEqualTo(Rotation.Outcome.ROTATED);
            current = "h" + i;
        }
        clock.set(session.expiresAt());

        assertThat(rotate(session, current, "late").outcome()).isEqualTo(Rotation.Outcome.UNKNOWN);
        assertThat(await(store.find(session.id()))).isEmpty();
    }

    @Test
    void revokingOneSessionLeavesTheOthers() {
        String user = id();
        Session first = open(user, "a");
        Session second = open(user, "b");

        assertThat(await(store.revoke(first.id()))).hasValue(first);

        assertThat(await(store.listByUser(user))).containsExactly(second);
        assertThat(rotate(first, "a", "a1").outcome()).isEqualTo(Rotation.Outcome.UNKNOWN);
        assertThat(await(store.revoke(first.id()))).isEmpty();
    }

    @Test
    void revokingAllOfAUsersSessionsCanKeepTheCurrentOne() {
        String user = id();
        Session first = open(user, "a");
        clock.advance(Duration.ofSeconds(1));
        Session second = open(user, "b");
        clock.advance(Duration.ofSeconds(1));
        Session third = open(user, "c");
        Session stranger = open(id(), "d");

        assertThat(await(store.revokeAllForUser(user, second.id())))
                .containsExactlyInAnyOrder(first.id(), third.id());
        assertThat(await(store.listByUser(user))).containsExactly(second);

        assertThat(await(store.revokeAllForUser(user, null))).containsExactly(second.id());
        assertThat(await(store.listByUser(user))).isEmpty();
        assertThat(await(store.find(stranger.id()))).isPresent();
    }

    @Test
    void badArgumentsAreRefusedAtOnce() {
        assertThatThrownBy(() -> store.create(new NewSession(id(), id(), DEVICE, "h", LIFETIME, IDLE), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.rotate(id(), "a", "b", "s", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewSession(id(), id(), DEVICE, "h", Duration.ZERO, IDLE))
                .hasMessage("session lifetime must be positive: PT0S");
        assertThatThrownBy(() -> new Device("x".repeat(Device.MAX_LENGTH + 1), "ip", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
