/**
 * In-memory implementations of the identity store SPIs, for a single gateway node and for tests.
 *
 * <p>Each is thread-safe (one lock per store, held for a few map operations), bounded where a client could
 * grow it, and expires entries lazily with the injected {@link java.time.Clock}, so no background thread runs.
 * A full store fails the operation with {@link dev.bulwark.api.store.StoreUnavailableException} rather than
 * forgetting live state, because forgetting a lockout or a revocation would be a security hole.
 */
package dev.bulwark.core.store.memory;
