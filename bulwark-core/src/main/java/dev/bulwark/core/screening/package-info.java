/**
 * Abuse screening before any other work: the top-level {@code screening} section
 * ({@link dev.bulwark.core.screening.ScreeningConfig}), known scanner user agents
 * ({@link dev.bulwark.core.screening.ScannerUserAgents}), a hot-reloaded client-address deny list
 * ({@link dev.bulwark.core.screening.IpReputationList}) and the
 * {@link dev.bulwark.core.screening.ScreeningFilter} that applies them at
 * {@link dev.bulwark.api.Stage#IP_RULES}.
 */
package dev.bulwark.core.screening;
