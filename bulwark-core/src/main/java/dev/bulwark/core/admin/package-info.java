/**
 * The admin API: {@link dev.bulwark.core.admin.AdminConfig} (the top-level {@code admin} section) and
 * {@link dev.bulwark.core.admin.AdminEndpoints} (users, sessions, tenants, API keys and the route table as JSON),
 * which the route compiler serves as one local route behind authentication, the admin role-or-scope check and the
 * section's client-address rules.
 */
package dev.bulwark.core.admin;
