package dev.bulwark.core.auth.revocation;

import dev.bulwark.api.store.Revocation;
import dev.bulwark.api.store.RevocationFeed;
import dev.bulwark.api.store.RevocationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Keeps a {@link RevocationList} in step with the shared {@link RevocationStore}: loads everything live at start,
 * then reads the feed from its cursor on every {@link #poll()} (the host calls it on a timer). A node therefore
 * learns another node's revocation within one poll interval; its own revocations apply at once.
 *
 * <p>When the store cannot be read the list keeps its last state and the failure is logged once per streak;
 * {@link #staleFor()} tells the host how long the list has gone unconfirmed, so it can fail closed. Staleness
 * is measured on the monotonic clock: it is about this process's connection to the store, not about token time.
 * Polls never overlap. Thread-safe.
 */
public final class RevocationSync {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationSync.class);

    private final RevocationStore store;
    private final RevocationList list;
    private final Clock clock;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile long cursor;
    private final LongSupplier nanoTime;
    private volatile long lastSuccessNanos;
    private volatile boolean failing;

    /**
     * @param clock     decides which entries have expired
     * @param nanoTime  the monotonic clock staleness is measured with, normally {@code System::nanoTime}
     */
    public RevocationSync(RevocationStore store, RevocationList list, Clock clock, LongSupplier nanoTime) {
        this.store = store;
        this.list = list;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.lastSuccessNanos = nanoTime.getAsLong();
    }

    /** @return the list this sync feeds */
    public RevocationList list() {
        return list;
    }

    /**
     * Records a revocation this node just wrote, without waiting for the next poll.
     */
    public void applyLocal(Revocation change) {
        list.apply(change);
    }

    /**
     * Reads every change after the cursor (in batches, until the feed says there is no more) and purges expired
     * entries. A poll that starts while another runs returns at once.
     *
     * @return completes when the poll is done; never fails (failures are logged and counted as staleness)
     */
    public CompletionStage<Void> poll() {
        if (!polling.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        readFrom(cursor, done);
        return done.whenComplete((ignored, failure) -> polling.set(false));
    }

    private void readFrom(long from, CompletableFuture<Void> done) {
        CompletionStage<RevocationFeed> batch;
        try {
            batch = store.changesSince(from, RevocationStore.MAX_BATCH);
        } catch (RuntimeException e) {
            fail(e, done);
            return;
        }
        batch.whenComplete((feed, failure) -> {
            if (failure != null) {
                fail(failure, done);
                return;
            }
            for (Revocation change : feed.changes()) {
                list.apply(change);
            }
            cursor = Math.max(cursor, feed.cursor());
            if (feed.more()) {
                readFrom(feed.cursor(), done);
                return;
            }
            list.purge(clock.instant());
            lastSuccessNanos = nanoTime.getAsLong();
            if (failing) {
                failing = false;
                LOG.info("revocation feed readable again");
            }
            done.complete(null);
        });
    }

    private void fail(Throwable failure, CompletableFuture<Void> done) {
        if (!failing) {
            failing = true;
            LOG.warn("cannot read the revocation feed, keeping the last known revocations: {}", failure.toString());
        }
        done.complete(null);
    }

    /** @return how long since the list was last confirmed complete */
    public Duration staleFor() {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - lastSuccessNanos));
    }
}
