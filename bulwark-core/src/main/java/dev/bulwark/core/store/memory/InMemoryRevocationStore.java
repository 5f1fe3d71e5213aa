package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.Revocation;
import dev.bulwark.api.store.RevocationFeed;
import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.api.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RevocationStore} in this process's memory.
 *
 * <p>The feed keeps one entry per revoked subject (a newer change for a session or user replaces the older
 * one), so its size is the number of live revocations, bounded by {@code maxEntries}; when full of live entries
 * a revocation fails with {@link StoreUnavailableException} rather than forget one. Thread-safe: every
 * operation holds one lock and completes its stage before returning.
 */
public final class InMemoryRevocationStore implements RevocationStore {

    private record Subject(Revocation.Kind kind, String id) {
    }

    private final Clock clock;
    private final int maxEntries;
    private final Map<Subject, Revocation> bySubject = new HashMap<>();
    private final TreeMap<Long, Revocation> feed = new TreeMap<>();
    private long sequence;

    /**
     * @param clock      the clock expiry is measured with
     * @param maxEntries the most live revocations held
     * @throws IllegalArgumentException when {@code maxEntries} is not positive
     */
    public InMemoryRevocationStore(Clock clock, int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("revocation store max entries must be positive: " + maxEntries);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxEntries = maxEntries;
    }

    @Override
    public CompletionStage<Revocation> revokeSession(String sessionId, Instant expiresAt) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return append(new Subject(Revocation.Kind.SESSION, sessionId), clock.instant(), expiresAt);
    }

    @Override
    public CompletionStage<Revocation> revokeUserTokensBefore(String userId, Instant cutoff, Instant expiresAt) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(cutoff, "cutoff");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return append(new Subject(Revocation.Kind.USER_CUTOFF, userId), cutoff, expiresAt);
    }

    @Override
    public CompletionStage<Revocation> revokeApiKey(String keyId, Instant expiresAt) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return append(new Subject(Revocation.Kind.API_KEY, keyId), clock.instant(), expiresAt);
    }

    @Override
    public synchronized CompletionStage<Boolean> isSessionRevoked(String sessionId) {
        Revocation entry = live(new Subject(Revocation.Kind.SESSION, Objects.requireNonNull(sessionId, "sessionId")),
                clock.instant());
        return CompletableFuture.completedFuture(entry != null);
    }

    @Override
    public synchronized CompletionStage<Optional<Instant>> userCutoff(String userId) {
        Revocation entry = live(new Subject(Revocation.Kind.USER_CUTOFF, Objects.requireNonNull(userId, "userId")),
                clock.instant());
        return CompletableFuture.completedFuture(Optional.ofNullable(entry).map(Revocation::cutoff));
    }

    @Override
    public synchronized CompletionStage<RevocationFeed> changesSince(long cursor, int limit) {
        checkFeedArguments(cursor, limit);
        Instant now = clock.instant();
        List<Revocation> changes = new ArrayList<>();
        long last = cursor;
        boolean more = false;
        for (Revocation change : feed.tailMap(cursor, false).values()) {
            if (!now.isBefore(change.expiresAt())) {
                continue;
            }
            if (changes.size() == limit) {
                more = true;
                break;
            }
            changes.add(change);
            last = change.sequence();
        }
        return CompletableFuture.completedFuture(new RevocationFeed(changes, last, more));
    }

    private static void checkFeedArguments(long cursor, int limit) {
        if (cursor < 0) {
            throw new IllegalArgumentException("revocation cursor must not be negative: " + cursor);
        }
        if (limit < 1 || limit > MAX_BATCH) {
            throw new IllegalArgumentException("revocation batch must be between 1 and " + MAX_BATCH + ": " + limit);
        }
    }

    private synchronized CompletionStage<Revocation> append(Subject subject, Instant cutoff, Instant expiresAt) {
        Instant now = clock.instant();
        Revocation previous = live(subject, now);
        if (previous == null && bySubject.size() >= maxEntries && !sweep(now)) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("revocation store is full: " + maxEntries + " entries"));
        }
        if (previous != null) {
            feed.remove(previous.sequence());
            if (subject.kind == Revocation.Kind.USER_CUTOFF && previous.cutoff().isAfter(cutoff)) {
                cutoff = previous.cutoff();
            }
            if (previous.expiresAt().isAfter(expiresAt)) {
                expiresAt = previous.expiresAt();
            }
        }
        Revocation change = new Revocation(++sequence, subject.kind, subject.id, cutoff, expiresAt);
        bySubject.put(subject, change);
        feed.put(change.sequence(), change);
        return CompletableFuture.completedFuture(change);
    }

    /** @return the subject's live entry, dropping it when expired; must hold the lock */
    private Revocation live(Subject subject, Instant now) {
        Revocation entry = bySubject.get(subject);
        if (entry != null && !now.isBefore(entry.expiresAt())) {
            bySubject.remove(subject);
            feed.remove(entry.sequence());
            return null;
        }
        return entry;
    }

    /** Drops expired entries; must hold the lock. @return whether room was made */
    private boolean sweep(Instant now) {
        for (Subject subject : List.copyOf(bySubject.keySet())) {
            live(subject, now);
        }
        return bySubject.size() < maxEntries;
    }
}
