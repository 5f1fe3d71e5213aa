package dev.bulwark.core.auth.revocation;

import dev.bulwark.api.store.Revocation;
import dev.bulwark.core.auth.token.AccessToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's in-memory copy of what is revoked: session ids, per-user cutoffs before which every token is
 * void, and API key ids. The authentication filter asks it on every request, so a check is a hash lookup or two
 * and never a store round trip.
 *
 * <p>Fed by {@link RevocationSync} (changes any node wrote) and directly by the node that revokes (so the very
 * next request on that node is refused without waiting for a sync). Entries are kept until the last token they
 * could refuse has expired (for an API key: until no node can still cache it).
 *
 * <p>Listeners ({@link #addListener}) hear every change right after it is recorded, whichever way it came, so
 * what lives longer than a request (an open WebSocket) can end as soon as its credential is revoked. Thread-safe.
 */
public final class RevocationList {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<String, Revocation> userCutoffs = new ConcurrentHashMap<>();
    private final Map<String, Instant> apiKeys = new ConcurrentHashMap<>();
    private final List<Consumer<Revocation>> listeners = new CopyOnWriteArrayList<>();

    /** Records a change, then tells every listener; a later expiry or cutoff for the same subject wins. */
    public void apply(Revocation change) {
        switch (change.kind()) {
            case SESSION -> sessions.merge(change.subject(), change.expiresAt(),
                    (old, now) -> now.isAfter(old) ? now : old);
            case USER_CUTOFF -> userCutoffs.merge(change.subject(), change,
                    (old, now) -> now.cutoff().isAfter(old.cutoff()) ? now : old);
            case API_KEY -> apiKeys.merge(change.subject(), change.expiresAt(),
                    (old, now) -> now.isAfter(old) ? now : old);
        }
        for (Consumer<Revocation> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException bug) {
                // A failing listener must not keep the revocation from the others, nor fail the revoking call.
                LOG.error("revocation listener failed for a {} change", change.kind(), bug);
            }
        }
    }

    /**
     * Registers a listener called after every {@link #apply} (including changes this list already knew, which
     * the feed repeats), on the applying thread: it must be quick and must not block.
     */
    public void addListener(Consumer<Revocation> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @return whether {@code token} is void: its session was revoked, or it was issued before its user's cutoff
     *     (token times have one-second precision, so a token issued in the cutoff's second is void too)
     */
    public boolean isRevoked(AccessToken token) {
        if (token.sessionId() != null && sessions.containsKey(token.sessionId())) {
            return true;
        }
        Revocation cutoff = userCutoffs.get(token.subject());
        return cutoff != null && token.issuedAt().getEpochSecond() <= cutoff.cutoff().getEpochSecond();
    }

    /** @return whether the API key with this id was revoked (an entry held since, whatever caches say) */
    public boolean isApiKeyRevoked(String keyId) {
        return apiKeys.containsKey(keyId);
    }

    /** Drops entries whose tokens have all expired by {@code now}. */
    public void purge(Instant now) {
        sessions.values().removeIf(expiry -> !expiry.isAfter(now));
        userCutoffs.values().removeIf(change -> !change.expiresAt().isAfter(now));
        apiKeys.values().removeIf(expiry -> !expiry.isAfter(now));
    }

    /** @return how many entries are held (for metrics and tests) */
    public int size() {
        return sessions.size() + userCutoffs.size() + apiKeys.size();
    }
}
