package dev.bulwark.testing.store;

import dev.bulwark.api.store.Revocation;
import dev.bulwark.api.store.RevocationFeed;
import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The behaviour every {@link RevocationStore} implementation must show; each implementation's test extends
 * this class and supplies the store.
 *
 * <p>Subjects are random per test and feed assertions start from the cursor at the test's start, so a shared
 * database needs no cleanup between tests.
 */
public abstract class RevocationStoreContract {

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private RevocationStore store;

    /**
     * @param clock the clock the store must measure expiry with
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract RevocationStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private Instant in(Duration duration) {
        return clock.instant().plus(duration);
    }

    /** @return the cursor after every change so far */
    private long head() {
        long cursor = 0;
        RevocationFeed feed;
        do {
            feed = await(store.changesSince(cursor, RevocationStore.MAX_BATCH));
            cursor = feed.cursor();
        } while (feed.more());
        return cursor;
    }

    /** @return every live change after {@code cursor}, read in batches of {@code batch} */
    private List<Revocation> readFrom(long cursor, int batch) {
        List<Revocation> all = new ArrayList<>();
        RevocationFeed feed;
        do {
            feed = await(store.changesSince(cursor, batch));
            assertThat(feed.changes()).hasSizeLessThanOrEqualTo(batch);
            all.addAll(feed.changes());
            cursor = feed.cursor();
        } while (feed.more());
        return all;
    }

    @Test
    void aRevokedSessionStaysRevokedUntilItsEntryExpires() {
        String session = id();
        assertThat(await(store.isSessionRevoked(session))).isFalse();

        Revocation change = await(store.revokeSession(session, in(Duration.ofMinutes(15))));

        assertThat(change.kind()).isEqualTo(Revocation.Kind.SESSION);
        assertThat(change.subject()).isEqualTo(session);
        assertThat(change.cutoff()).isEqualTo(clock.instant());
        assertThat(await(store.isSessionRevoked(session))).isTrue();
        clock.advance(Duration.ofMinutes(15));
        assertThat(await(store.isSessionRevoked(session))).isFalse();
    }

    @Test
    void aRevokedApiKeyReachesTheFeedAndLeavesItWhenItsEntryExpires() {
        long start = head();
        String key = "k" + id().replace("-", "").substring(0, 15);

        Revocation change = await(store.revokeApiKey(key, in(Duration.ofHours(1))));

        assertThat(change.kind()).isEqualTo(Revocation.Kind.API_KEY);
        assertThat(change.subject()).isEqualTo(key);
        assertThat(change.cutoff()).isEqualTo(clock.instant());
        assertThat(readFrom(start, 10)).extracting(Revocation::kind, Revocation::subject)
                .containsExactly(tuple(Revocation.Kind.API_KEY, key));
        assertThat(await(store.isSessionRevoked(key))).as("an api key id is not a session id").isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(readFrom(start, 10)).isEmpty();
    }

    @Test
    void anApiKeyRevokedAgainReappearsAfterTheCursorWithTheLaterExpiry() {
        String key = "k" + id().replace("-", "").substring(0, 15);
        await(store.revokeApiKey(key, in(Duration.ofMinutes(30))));
        long cursor = head();

        Revocation again = await(store.revokeApiKey(key, in(Duration.ofHours(1))));

        assertThat(readFrom(cursor, 10)).extracting(Revocation::subject).containsExactly(key);
        assertThat(again.expiresAt()).isEqualTo(in(Duration.ofHours(1)));
    }

    @Test
    void aUserCutoffOnlyMovesForward() {
        String user = id();
        Instant now = clock.instant();
        await(store.revokeUserTokensBefore(user, now, in(Duration.ofMinutes(15))));

        Revocation earlier = await(store.revokeUserTokensBefore(user, now.minusSeconds(60), in(Duration.ofMinutes(1))));

        assertThat(earlier.cutoff()).isEqualTo(now);
        assertThat(earlier.expiresAt()).isEqualTo(in(Duration.ofMinutes(15)));
        assertThat(await(store.userCutoff(user))).hasValue(now);
        Revocation later = await(store.revokeUserTokensBefore(user, now.plusSeconds(5), in(Duration.ofMinutes(20))));
        assertThat(later.cutoff()).isEqualTo(now.plusSeconds(5));
        assertThat(await(store.userCutoff(user))).hasValue(now.plusSeconds(5));
        assertThat(await(store.userCutoff(id()))).isEmpty();
    }

    @Test
    void aCutoffIsForgottenOnceEveryTokenItRefusedHasExpired() {
        String user = id();
        await(store.revokeUserTokensBefore(user, clock.instant(), in(Duration.ofMinutes(15))));

        clock.advance(Duration.ofMinutes(15));

        assertThat(await(store.userCutoff(user))).isEmpty();
    }

    @Test
    void theFeedListsChangesAfterTheCursorInOrder() {
        long start = head();
        String a = id();
        String b = id();
        String user = id();
        await(store.revokeSession(a, in(Duration.ofMinutes(15))));
        await(store.revokeSession(b, in(Duration.ofMinutes(15))));
        await(store.revokeUserTokensBefore(user, clock.instant(), in(Duration.ofMinutes(15))));

        RevocationFeed feed = await(store.changesSince(start, 100));

        assertThat(feed.changes()).extracting(Revocation::subject).containsExactly(a, b, user);
        assertThat(feed.changes()).extracting(Revocation::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(feed.cursor()).isEqualTo(feed.changes().get(2).sequence());
        assertThat(feed.more()).isFalse();
        assertThat(await(store.changesSince(feed.cursor(), 100)).changes()).isEmpty();
        assertThat(await(store.changesSince(feed.cursor(), 100)).cursor()).isEqualTo(feed.cursor());
    }

    @Test
    void aRevokedAgainSessionReappearsAfterTheCursor() {
        String session = id();
        await(store.revokeSession(session, in(Duration.ofMinutes(15))));
        long cursor = head();

        await(store.revokeSession(session, in(Duration.ofMinutes(30))));

        assertThat(readFrom(cursor, 10)).extracting(Revocation::subject).containsExactly(session);
        clock.advance(Duration.ofMinutes(20));
        assertThat(await(store.isSessionRevoked(session))).as("the later expiry wins").isTrue();
    }

    @Test
    void theFeedIsReadInBatches() {
        long start = head();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sessions.add(id());
            await(store.revokeSession(sessions.get(i), in(Duration.ofMinutes(15))));
        }

        RevocationFeed first = await(store.changesSince(start, 3));
        assertThat(first.changes()).hasSize(3);
        assertThat(first.more()).isTrue();

        assertThat(readFrom(start, 3)).extracting(Revocation::subject).containsExactlyElementsOf(sessions);
    }

    @Test
    void expiredChangesLeaveTheFeed() {
        long start = head();
        String shortLived = id();
        String longLived = id();
        await(store.revokeSession(shortLived, in(Duration.ofMinutes(1))));
        await(store.revokeSession(longLived, in(Duration.ofHours(1))));

        clock.advance(Duration.ofMinutes(1));

        assertThat(readFrom(start, 10)).extracting(Revocation::subject).containsExactly(longLived);
    }

    @Test
    void concurrentRevocationsAllReachTheFeedWithDistinctIncreasingSequences() throws Exception {
        long start = head();

        List<Revocation> written = Concurrently.run(8, i -> store.revokeSession(id(), in(Duration.ofMinutes(15))));

        List<Revocation> read = readFrom(start, 3);
        assertThat(read).extracting(Revocation::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(read).extracting(Revocation::subject)
                .containsExactlyInAnyOrderElementsOf(written.stream().map(Revocation::subject).toList());
    }

    @Test
    void badFeedArgumentsAreRefused() {
        assertThatThrownBy(() -> store.changesSince(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.changesSince(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.changesSince(0, RevocationStore.MAX_BATCH + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
