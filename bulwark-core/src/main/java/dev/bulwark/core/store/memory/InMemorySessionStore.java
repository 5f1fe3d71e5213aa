package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.Rotation;
import dev.bulwark.api.store.Session;
import dev.bulwark.api.store.SessionCreated;
import dev.bulwark.api.store.SessionStore;
import dev.bulwark.api.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link SessionStore} in this process's memory.
 *
 * <p>Bounded: at most {@code maxSessions} live sessions in all (expired ones are swept when the store is full),
 * and per session at most {@link #MAX_RETIRED_HASHES} retired refresh-token hashes; beyond that the oldest are
 * forgotten, so replaying a token that old is refused as unknown instead of revoking the family. Thread-safe:
 * every operation holds one lock and completes its stage before returning.
 */
public final class InMemorySessionStore implements SessionStore {

    /** How many retired refresh-token hashes a session remembers for reuse detection. */
    public static final int MAX_RETIRED_HASHES = 1024;

    /** A session with its token family; mutated only under the store's lock. */
    private static final class Family {
        Session session;
        String currentHash;
        String previousHash;
        Instant rotatedAt;
        String successor;
        final SequencedSet<String> retired = new LinkedHashSet<>();

        Family(Session session, String currentHash) {
            this.session = session;
            this.currentHash = currentHash;
        }
    }

    private final Clock clock;
    private final int maxSessions;
    private final Map<String, Family> byId = new HashMap<>();
    private final Map<String, SequencedSet<String>> byUser = new HashMap<>();

    /**
     * @param clock       the clock expiry is measured with
     * @param maxSessions the most sessions held at once
     * @throws IllegalArgumentException when {@code maxSessions} is not positive
     */
    public InMemorySessionStore(Clock clock, int maxSessions) {
        if (maxSessions <= 0) {
            throw new IllegalArgumentException("session store max sessions must be positive: " + maxSessions);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSessions = maxSessions;
    }

    @Override
    public synchronized CompletionStage<SessionCreated> create(NewSession request, int maxPerUser) {
        Objects.requireNonNull(request, "session");
        if (maxPerUser <= 0) {
            throw new IllegalArgumentException("max sessions per user must be positive: " + maxPerUser);
        }
        Instant now = clock.instant();
        if (byId.containsKey(request.id())) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("session id already exists: " + request.id()));
        }
        List<Family> live = liveOf(request.userId(), now);
        int evictions = Math.max(0, live.size() - maxPerUser + 1);
        // Checked before evicting, so a refused login does not end the user's other sessions.
        if (byId.size() - evictions >= maxSessions && !sweep(now)) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("session store is full: " + maxSessions + " sessions"));
        }
        List<String> evicted = new ArrayList<>();
        for (Family oldest : live.subList(0, evictions)) {
            remove(oldest);
            evicted.add(oldest.session.id());
        }
        Session session = new Session(request.id(), request.userId(), now, now, now.plus(request.lifetime()),
                request.idleTimeout(), request.device());
        byId.put(session.id(), new Family(session, request.refreshHash()));
        byUser.computeIfAbsent(session.userId(), u -> new LinkedHashSet<>()).add(session.id());
        return CompletableFuture.completedFuture(new SessionCreated(session, evicted));
    }

    @Override
    public synchronized CompletionStage<Optional<Session>> find(String sessionId) {
        Family family = live(Objects.requireNonNull(sessionId, "sessionId"), clock.instant());
        return CompletableFuture.completedFuture(Optional.ofNullable(family).map(f -> f.session));
    }

    @Override
    public synchronized CompletionStage<List<Session>> listByUser(String userId) {
        List<Session> sessions = liveOf(Objects.requireNonNull(userId, "userId"), clock.instant()).stream()
                .map(f -> f.session).toList();
        return CompletableFuture.completedFuture(sessions);
    }

    @Override
    public synchronized CompletionStage<Rotation> rotate(String sessionId, String presentedHash, String newHash,
                                                         String successor, Duration grace) {
        Objects.requireNonNull(presentedHash, "presentedHash");
        Objects.requireNonNull(newHash, "newHash");
        Objects.requireNonNull(successor, "successor");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("refresh grace must not be negative: " + grace);
        }
        Instant now = clock.instant();
        Family family = live(Objects.requireNonNull(sessionId, "sessionId"), now);
        if (family == null) {
            return CompletableFuture.completedFuture(Rotation.unknown());
        }
        Rotation rotation;
        if (presentedHash.equals(family.currentHash)) {
            if (family.previousHash != null) {
                family.retired.add(family.previousHash);
                if (family.retired.size() > MAX_RETIRED_HASHES) {
                    family.retired.removeFirst();
                }
            }
            family.previousHash = family.currentHash;
            family.currentHash = newHash;
            family.rotatedAt = now;
            family.successor = successor;
            Session s = family.session;
            family.session = new Session(s.id(), s.userId(), s.createdAt(), now, s.expiresAt(), s.idleTimeout(),
                    s.device());
            rotation = new Rotation(Rotation.Outcome.ROTATED, family.session, null);
        } else if (presentedHash.equals(family.previousHash) && now.isBefore(family.rotatedAt.plus(grace))) {
            rotation = new Rotation(Rotation.Outcome.GRACE_RETRY, family.session, family.successor);
        } else if (presentedHash.equals(family.previousHash) || family.retired.contains(presentedHash)) {
            remove(family);
            rotation = new Rotation(Rotation.Outcome.REUSE_DETECTED, family.session, null);
        } else {
            rotation = Rotation.unknown();
        }
        return CompletableFuture.completedFuture(rotation);
    }

    @Override
    public synchronized CompletionStage<Optional<Session>> revoke(String sessionId) {
        Family family = live(Objects.requireNonNull(sessionId, "sessionId"), clock.instant());
        if (family == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        remove(family);
        return CompletableFuture.completedFuture(Optional.of(family.session));
    }

    @Override
    public synchronized CompletionStage<List<String>> revokeAllForUser(String userId, String keepSessionId) {
        List<String> ended = new ArrayList<>();
        for (Family family : liveOf(Objects.requireNonNull(userId, "userId"), clock.instant())) {
            if (!family.session.id().equals(keepSessionId)) {
                remove(family);
                ended.add(family.session.id());
            }
        }
        return CompletableFuture.completedFuture(ended);
    }

    /** @return the live family with this id, dropping it when expired; must hold the lock */
    private Family live(String sessionId, Instant now) {
        Family family = byId.get(sessionId);
        if (family != null && !family.session.isLiveAt(now)) {
            remove(family);
            return null;
        }
        return family;
    }

    /** @return the user's live families, oldest first, dropping expired ones; must hold the lock */
    private List<Family> liveOf(String userId, Instant now) {
        SequencedSet<String> ids = byUser.get(userId);
        if (ids == null) {
            return List.of();
        }
        List<Family> live = new ArrayList<>();
        for (String id : List.copyOf(ids)) {
            Family family = live(id, now);
            if (family != null) {
                live.add(family);
            }
        }
        live.sort(Comparator.comparing((Family f) -> f.session.createdAt()).thenComparing(f -> f.session.id()));
        return live;
    }

    private void remove(Family family) {
        byId.remove(family.session.id());
        SequencedSet<String> ids = byUser.get(family.session.userId());
        if (ids != null) {
            ids.remove(family.session.id());
            if (ids.isEmpty()) {
                byUser.remove(family.session.userId());
            }
        }
    }

    /** Drops expired sessions; must hold the lock. @return whether room was made */
    private boolean sweep(Instant now) {
        for (Family family : List.copyOf(byId.values())) {
            if (!family.session.isLiveAt(now)) {
                remove(family);
            }
        }
        return byId.size() < maxSessions;
    }
}
