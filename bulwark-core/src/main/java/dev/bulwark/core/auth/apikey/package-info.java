/**
 * API keys for machine clients: issuing, listing and revoking them ({@link dev.bulwark.core.auth.apikey.ApiKeys}),
 * verifying a presented key on the hot path from memory, and limiting guessing per client address
 * ({@link dev.bulwark.core.auth.apikey.ApiKeyGuard}).
 *
 * <p>A presented key is {@code bwk_<16 × [a-z0-9]>_<43 × base64url>}; only an HMAC-SHA256 of its secret part is
 * stored. Routes opt in with {@code auth.apiKeys} ({@link dev.bulwark.core.auth.AuthRouteConfig.ApiKeyMode}).
 */
package dev.bulwark.core.auth.apikey;
