package dev.bulwark.core.websocket;

import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.Revocation;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.ratelimit.InMemoryRateLimitStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSockets of this gateway node: connection counts for the caps, message counts for the rates, and the live
 * sockets indexed by session, user and API key, so a revocation finds the sockets it ends without looking at the
 * others.
 *
 * <p>Everything here is per node: a user's sockets on two nodes are capped and rated on each separately. The
 * host wires it once: {@link #followRevocations} with the node's revocation list (every change the list learns,
 * from this node or through the revocation feed, closes the affected sockets at once), and {@link #sweep} on a
 * short timer, which closes the sockets whose token has expired (kept in expiry order, so a sweep looks only at
 * those) and, every {@link #IDLE_SCAN_EVERY}th sweep, those idle too long (a scan of every socket, about 0.2
 * microseconds each).
 *
 * <p>Message counts live in a bounded {@link InMemoryRateLimitStore} (the GCRA of the rate limits, one number per
 * key), so a spray of short-lived sockets cannot grow the heap. Thread-safe.
 */
public final class WebSocketConnections {

    /** Message-rate keys held at once: one per live socket and one per user; stale ones are dropped first. */
    static final int RATE_KEYS = 200_000;
    /** Idle sockets are looked for on every this many sweeps: idle timeouts are long, expiry is not. */
    public static final int IDLE_SCAN_EVERY = 4;
    private static final Comparator<WebSocketSession> BY_EXPIRY =
            Comparator.comparing(WebSocketSession::expiresAt).thenComparingLong(WebSocketSession::id);

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Set<WebSocketSession> live = ConcurrentHashMap.newKeySet();
    private final NavigableSet<WebSocketSession> byExpiry = new ConcurrentSkipListSet<>(BY_EXPIRY);
    private final AtomicLong sweeps = new AtomicLong();
    private final Map<String, Set<WebSocketSession>> byCredential = new ConcurrentHashMap<>();
    private final InMemoryRateLimitStore messages = new InMemoryRateLimitStore(RATE_KEYS);
    private final AtomicLong ids = new AtomicLong();
    private volatile RevocationList revocations;

    /**
     * Closes live sockets whose credential {@code list} revokes, as soon as the list learns of it, and checks every
     * socket against it when it opens. Call once.
     */
    public void followRevocations(RevocationList list) {
        this.revocations = list;
        list.addListener(this::revoked);
    }

    /**
     * Closes the sockets whose token has expired and, on every {@link #IDLE_SCAN_EVERY}th call, those without a
     * message either way for their route's idle timeout. The host calls it every fraction of a second with its
     * clock's time, off its event loops.
     */
    public void sweep(Instant now) {
        for (Iterator<WebSocketSession> soonest = byExpiry.iterator(); soonest.hasNext(); ) {
            WebSocketSession session = soonest.next();
            if (session.expiresAt().isAfter(now)) {
                break;
            }
            soonest.remove();
            session.expire();
        }
        if (sweeps.incrementAndGet() % IDLE_SCAN_EVERY == 0) {
            long nowMillis = now.toEpochMilli();
            for (WebSocketSession session : live) {
                session.checkIdle(nowMillis);
            }
        }
    }


    /** @return how many upgraded sockets are open on this node */
    public int open() {
        return live.size();
    }

    /** @return how many sockets hold a slot under {@code key}: an address or a user on a route */
    int held(String key) {
        return counts.getOrDefault(key, 0);
    }

    /** Takes a slot under {@code key} if fewer than {@code max} are taken; atomic. */
    boolean take(String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, held) -> {
            int now = held == null ? 0 : held;
            if (now >= max) {
                return held;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives back a slot taken under {@code key}. */
    void give(String key) {
        counts.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
    }

    /** @return whether one more message may pass under {@code key} at {@code nowMillis}, counting it if so */
    boolean acquire(String key, RateLimitRule rule, long nowMillis) {
        return messages.decide(key, rule, nowMillis, 1).allowed();
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    RevocationList revocations() {
        return revocations;
    }

    void register(WebSocketSession session) {
        live.add(session);
        if (session.expiresAt() != null) {
            byExpiry.add(session);
        }
        for (String key : session.credentialKeys()) {
            byCredential.compute(key, (k, sessions) -> {
                Set<WebSocketSession> set = sessions != null ? sessions : ConcurrentHashMap.newKeySet();
                set.add(session);
                return set;
            });
        }
    }

    void release(WebSocketSession session) {
        if (live.remove(session)) {
            if (session.expiresAt() != null) {
                byExpiry.remove(session);
            }
            for (String key : session.credentialKeys()) {
                byCredential.computeIfPresent(key, (k, sessions) -> {
                    sessions.remove(session);
                    return sessions.isEmpty() ? null : sessions;
                });
            }
        }
        give(session.addressKey());
        if (session.userKey() != null) {
            give(session.userKey());
        }
    }

    private void revoked(Revocation change) {
        String key = switch (change.kind()) {
            case SESSION -> sessionKey(change.subject());
            case USER_CUTOFF -> userKey(change.subject());
            case API_KEY -> apiKeyKey(change.subject());
        };
        Set<WebSocketSession> affected = byCredential.get(key);
        if (affected == null) {
            return;
        }
        RevocationList list = revocations;
        for (WebSocketSession session : affected) {
            // The list decides, so a cutoff spares tokens issued after it (the user's fresh login).
            if (session.isRevokedBy(list)) {
                session.terminate(WebSocketClose.TOKEN_REVOKED, "the token's session or user was revoked");
            }
        }
    }

    static String sessionKey(String sessionId) {
        return "session " + sessionId;
    }

    static String userKey(String userId) {
        return "user " + userId;
    }

    static String apiKeyKey(String keyId) {
        return "apikey " + keyId;
    }
}
