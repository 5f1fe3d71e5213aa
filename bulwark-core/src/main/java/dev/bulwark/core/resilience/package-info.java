/**
 * Upstream resilience settings and the pieces of it that need no server: the circuit breaker's settings
 * ({@link dev.bulwark.core.resilience.BreakerConfig}), retries with jittered exponential backoff
 * ({@link dev.bulwark.core.resilience.RetryConfig}) and the {@link dev.bulwark.core.resilience.RetryBudget} that
 * keeps retries from multiplying an outage.
 */
package dev.bulwark.core.resilience;
