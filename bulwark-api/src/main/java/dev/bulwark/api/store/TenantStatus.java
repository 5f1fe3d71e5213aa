package dev.bulwark.api.store;

/** Whether a tenant's requests are served. */
public enum TenantStatus {
    /** Served normally. */
    ACTIVE,
    /** Refused with {@code TENANT_INACTIVE} until an admin reactivates it. */
    SUSPENDED,
    /** Refused with {@code TENANT_INACTIVE}; kept so that its id is never reused. */
    DELETED
}
