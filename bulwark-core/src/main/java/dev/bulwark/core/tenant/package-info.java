/**
 * Tenant isolation: which tenant a request acts for ({@link dev.bulwark.core.tenant.TenantConfig}, read from
 * headers, the query, the token, the path or the JSON body, all of which must agree), whether the caller belongs to
 * it and whether it is active ({@link dev.bulwark.core.tenant.TenantFilter},
 * {@link dev.bulwark.core.tenant.TenantDirectory}), and the gateway-wide settings
 * ({@link dev.bulwark.core.tenant.TenancyConfig}).
 */
package dev.bulwark.core.tenant;
