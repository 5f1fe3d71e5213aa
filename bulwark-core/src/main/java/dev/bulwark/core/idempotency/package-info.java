/**
 * Request de-duplication: where a key comes from ({@link dev.bulwark.core.idempotency.IdempotencyKeySource},
 * a header or a {@link dev.bulwark.core.idempotency.JsonPath} into the body), its settings, and the in-memory
 * {@link dev.bulwark.api.store.IdempotencyStore} for a single node.
 */
package dev.bulwark.core.idempotency;
