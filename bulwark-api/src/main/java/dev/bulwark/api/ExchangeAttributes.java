package dev.bulwark.api;

import java.util.Map;

/**
 * Attribute keys under which filters publish who is calling, for later filters to read (rate-limit keys,
 * audit, upstream identity headers).
 *
 * <p>The authentication and tenancy filters set them; until they have run (or on routes without them) the
 * attributes are absent and readers treat them as unknown. Values are identifiers, never secrets: an API
 * key's id, not the key itself.
 */
public final class ExchangeAttributes {

    /** The verified {@link Principal}, set by authentication. */
    public static final AttributeKey<Principal> PRINCIPAL = AttributeKey.named("principal");

    /** The authenticated user's stable id (a token's {@code sub}, a session's user id). */
    public static final AttributeKey<String> USER = AttributeKey.named("user");

    /**
     * The tenant the request acts for: the credential's own after authentication; on a route with a tenant rule,
     * the one the request names once it is checked against the caller's memberships and the tenant's status. When
     * that check refuses, it holds the tenant the request asked for (or none), so the refusal's event names it.
     */
    public static final AttributeKey<String> TENANT = AttributeKey.named("tenant");

    /** The id of the API key that authenticated the request (its public id, never the secret part). */
    public static final AttributeKey<String> API_KEY = AttributeKey.named("apiKey");

    /**
     * The verified token's claims by name, as parsed from its JSON payload (strings, numbers, booleans,
     * lists, maps). Only set after the token's signature and expiry were checked.
     */
    public static final AttributeKey<Map<String, Object>> CLAIMS = AttributeKey.named("claims");

    private ExchangeAttributes() {
    }
}
