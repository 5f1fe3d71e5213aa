package dev.bulwark.api.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps the ring of token signing keys: one active key that signs, and retiring keys that still verify until
 * every token they signed has expired.
 *
 * <p>Changing which key is active is one atomic step ({@link #initialize}, {@link #rotate}), so two gateway
 * nodes starting at once, or a rotation racing a start, never leave two active keys. Retiring keys past their
 * {@code retireAfter} (measured with the implementation's clock) are left out of {@link #verificationKeys()}
 * and dropped lazily. Implementations are thread-safe and never block the caller; an unreachable backend
 * fails the stage with {@link StoreUnavailableException}. {@code null} arguments throw at once.
 */
public interface KeyStore {

    /**
     * Installs {@code candidate} as the active key if the ring has none (first start). Of several nodes racing
     * here, exactly one candidate wins and every caller gets the winner back.
     *
     * @return the active key: {@code candidate} (activated now) or the one already active
     */
    CompletionStage<SigningKey> initialize(SigningKey candidate);

    /**
     * Makes {@code next} the active key and demotes the current active key to {@link KeyStatus#RETIRING}, to
     * verify for {@code keepOldFor} more (at least the longest token lifetime).
     *
     * @return the new active key as stored
     * @throws IllegalArgumentException when {@code keepOldFor} is negative
     * @throws IllegalStateException    (in the stage) when the ring already has a key with {@code next}'s kid
     */
    CompletionStage<SigningKey> rotate(SigningKey next, Duration keepOldFor);

    /** @return the active key, empty before {@link #initialize} */
    CompletionStage<Optional<SigningKey>> activeKey();

    /** @return the keys that verify now (the active one first, then retiring ones, newest first): the JWKS */
    CompletionStage<List<SigningKey>> verificationKeys();

    /** @return the key with this id, if it still verifies */
    CompletionStage<Optional<SigningKey>> find(String kid);
}
