package dev.bulwark.api.store;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Remembers which idempotency keys have been seen, so a webhook delivery or a client request with an
 * {@code Idempotency-Key} reaches the backend once.
 *
 * <p>Every operation is one atomic round trip (a Lua script or {@code SET NX PX} in Redis, an
 * {@code INSERT ... ON CONFLICT} in SQL), so concurrent duplicates on several gateway nodes still let exactly
 * one through. Expiry is measured with the clock the implementation was given, never a second one, so that
 * tests can move time. Keys are opaque: callers namespace them (route, provider) before calling.
 *
 * <p>Implementations are thread-safe and never block the caller: waiting is expressed through the returned
 * stage. When the store cannot decide (backend down, capacity reached) the stage fails with
 * {@link StoreUnavailableException} and callers fail closed. {@code null} arguments, empty keys and
 * non-positive TTLs are programming errors and throw at once.
 */
public interface IdempotencyStore {

    /**
     * Claims {@code key} if nobody holds it: put-if-absent with a time to live.
     *
     * @param key the namespaced key
     * @param ttl how long the claim lasts when it is never completed or released
     * @return {@link Claim#isNew() a new claim} when the key was free (or had expired), otherwise a duplicate
     *     carrying the stored response if the first holder completed it
     */
    CompletionStage<Claim> claim(String key, Duration ttl);

    /**
     * Records the response the first holder produced, so later duplicates can be answered with it; the key
     * then lives for {@code ttl} from now.
     *
     * @param key      the namespaced key
     * @param response what to replay to duplicates
     * @param ttl      how long to keep it
     * @return a stage completed once the response is stored
     */
    CompletionStage<Void> complete(String key, StoredResponse response, Duration ttl);

    /**
     * Forgets {@code key}, so the next claim for it is new again: used when the backend failed and the
     * sender's retry must get through. Releasing an unknown key does nothing.
     *
     * @param key the namespaced key
     * @return a stage completed once the key is gone
     */
    CompletionStage<Void> release(String key);
}
