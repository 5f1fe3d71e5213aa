/**
 * Load shedding: the {@link dev.bulwark.core.shedding.Priority} classes routes belong to, the
 * {@link dev.bulwark.core.shedding.ConcurrencyLimiter} that caps requests in progress (globally and per upstream)
 * and sheds the lowest class first, and the {@link dev.bulwark.core.shedding.RefusalDigest} that turns a flood of
 * refusals into one security event per second.
 */
package dev.bulwark.core.shedding;
