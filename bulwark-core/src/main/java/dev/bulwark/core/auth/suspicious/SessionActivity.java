package dev.bulwark.core.auth.suspicious;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig.AddressRule;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where this node has seen each user and session lately, for the address rules of
 * {@link SuspiciousSessionConfig}: the client addresses of each user within the {@code concurrentIps} window and
 * the address changes of each session within the {@code ipChanges} window.
 *
 * <p>A rule fires on the request that crosses its threshold: the request from a user's {@code max + 1}-th
 * address (not every later request from it), and each address change of a session beyond {@code max}. A session
 * that stays on one address costs a cache lookup and a comparison per request; its user's entry is refreshed at
 * most every eighth of the window.
 *
 * <p>Memory is bounded: at most {@value #MAX_ENTRIES} users and as many sessions are remembered (least recently
 * seen dropped first, and quiet ones after their window), each with at most {@value #MAX_TRACKED} addresses or
 * changes. What one node sees is what it counts: behind a load balancer each node judges the requests it serves.
 * Thread-safe.
 */
public final class SessionActivity {

    /** Addresses per user and changes per session remembered; thresholds must stay below it. */
    static final int MAX_TRACKED = 64;
    /** Users, and sessions, remembered per node. */
    public static final int MAX_ENTRIES = 200_000;

    /** A rule that fired, with what it saw. */
    public record Finding(String rule, SuspiciousSessionConfig.Action action, String detail) { }

    private final AddressRule concurrentIps;
    private final AddressRule ipChanges;
    private final long touchInterval;
    private final Cache<String, UserAddresses> users;
    private final Cache<String, SessionTrail> sessions;

    /**
     * @param config the rules; its address rules decide what is tracked
     * @param clock  drives the caches' expiry (the same time callers pass to {@link #observe})
     */
    public SessionActivity(SuspiciousSessionConfig config, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        this.concurrentIps = config.concurrentIps();
        this.ipChanges = config.ipChanges();
        this.touchInterval = concurrentIps == null ? Long.MAX_VALUE
                : Math.max(1000, concurrentIps.window().toMillis() / 8);
        this.users = cache(concurrentIps != null ? concurrentIps.window() : Duration.ofMinutes(1), clock);
        this.sessions = cache(ipChanges != null ? ipChanges.window()
                : concurrentIps != null ? concurrentIps.window() : Duration.ofMinutes(1), clock);
    }

    private static <V> Cache<String, V> cache(Duration memory, Clock clock) {
        return Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterAccess(memory)
                .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
    }

    /**
     * Records one authenticated request.
     *
     * @param userId    who
     * @param sessionId which of their sessions
     * @param address   the client address, as the rate limiter keys it (IPv6 by /64)
     * @param now       the request's time in epoch milliseconds
     * @return the address rules this request fires; usually empty
     */
    public List<Finding> observe(String userId, String sessionId, String address, long now) {
        SessionTrail trail = sessions.get(sessionId, id -> new SessionTrail());
        List<Finding> findings = List.of();
        boolean touchUser;
        int changes;
        synchronized (trail) {
            if (address.equals(trail.address)) {
                if (now - trail.userTouchedAt < touchInterval) {
                    return findings;
                }
                changes = -1;
            } else {
                changes = trail.address == null || ipChanges == null ? -1 : trail.changed(now, ipChanges.window());
                trail.address = address;
            }
            touchUser = concurrentIps != null;
            if (touchUser) {
                trail.userTouchedAt = now;
            }
        }
        if (ipChanges != null && changes > ipChanges.max()) {
            findings = new ArrayList<>(2);
            findings.add(new Finding("ipChanges", ipChanges.action(), "session " + sessionId + " changed address "
                    + changes + " times within " + ipChanges.window() + " (now " + address + ")"));
        }
        if (touchUser) {
            int seen = users.get(userId, id -> new UserAddresses()).see(address, now, concurrentIps.window());
            if (seen > concurrentIps.max()) {
                if (findings.isEmpty()) {
                    findings = new ArrayList<>(1);
                }
                findings.add(new Finding("concurrentIps", concurrentIps.action(), "user seen from " + seen
                        + " addresses within " + concurrentIps.window() + "; session " + sessionId + " from "
                        + address));
            }
        }
        return findings;
    }

    /** One session's last address and the times it changed, oldest first in a ring. Guarded by itself. */
    private static final class SessionTrail {
        private String address;
        private long userTouchedAt = Long.MIN_VALUE / 2;
        private final long[] changes = new long[MAX_TRACKED];
        private int start;
        private int count;

        /** Records a change at {@code now}; @return the changes within {@code window}, this one included. */
        int changed(long now, Duration window) {
            long since = now - window.toMillis();
            while (count > 0 && changes[start] <= since) {
                start = (start + 1) % MAX_TRACKED;
                count--;
            }
            if (count == MAX_TRACKED) {
                start = (start + 1) % MAX_TRACKED;
                count--;
            }
            changes[(start + count) % MAX_TRACKED] = now;
            count++;
            return count;
        }
    }

    /** One user's recent addresses with when each was last seen, least recently seen first. */
    private static final class UserAddresses {
        private final LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>();

        /**
         * Records {@code address} at {@code now}.
         *
         * @return the number of addresses seen within {@code window} when {@code address} is new among them,
         *     else 0 (an address already counted does not fire again)
         */
        synchronized int see(String address, long now, Duration window) {
            long since = now - window.toMillis();
            Iterator<Map.Entry<String, Long>> oldest = lastSeen.entrySet().iterator();
            while (oldest.hasNext() && oldest.next().getValue() <= since) {
                oldest.remove();
            }
            boolean known = lastSeen.remove(address) != null;
            if (lastSeen.size() == MAX_TRACKED) {
                lastSeen.remove(lastSeen.keySet().iterator().next());
            }
            lastSeen.put(address, now);
            return known ? 0 : lastSeen.size();
        }
    }
}
