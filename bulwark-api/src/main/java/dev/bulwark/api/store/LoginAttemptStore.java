package dev.bulwark.api.store;

import java.util.concurrent.CompletionStage;

/**
 * Counts credential failures per key and locks keys out progressively (seed 003, seed 004).
 *
 * <p>Keys are opaque and namespaced by the caller, which records each failure under three keys: the account,
 * the client IP and the (account, IP) pair. Each {@link #recordFailure} is one atomic read-modify-write (a Lua
 * script, one SQL transaction holding the key's row lock), so eight concurrent wrong passwords count eight
 * and cross the threshold exactly once. A failure recorded while the key is locked is not counted, so an
 * attacker hammering a locked account cannot push it to the next step faster. Time comes from the
 * implementation's clock; a key untouched for {@link LockoutPolicy#memory()} is forgotten.
 *
 * <p>Implementations are thread-safe and never block the caller; an unreachable backend (or a full in-memory
 * store) fails the stage with {@link StoreUnavailableException}, and callers refuse the login. {@code null}
 * arguments and empty keys throw at once.
 */
public interface LoginAttemptStore {

    /**
     * Counts one failure and, when it reaches the policy's threshold, locks the key for the next step.
     *
     * @return the state after this failure
     */
    CompletionStage<LockState> recordFailure(String key, LockoutPolicy policy);

    /** @return the key's state now ({@link LockState#CLEAR} when unknown or forgotten) */
    CompletionStage<LockState> lockState(String key);

    /** Forgets the key (a successful login resets its pair key). */
    CompletionStage<Void> reset(String key);
}
