package dev.bulwark.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who a request acts for, once authentication has verified a credential. Stored under
 * {@link ExchangeAttributes#PRINCIPAL}; authorization, rate limits and audit read it.
 *
 * @param userId    the subject ({@code sub}); for an API key, {@code apikey:} and the key's public id
 * @param sessionId the login session, or {@code null} for tokens of an external issuer without {@code sid}
 *                  and for API keys
 * @param issuer    who vouched for the user: Bulwark's own issuer or an external one
 * @param roles       the roles the credential carries
 * @param permissions permissions granted to the user directly, besides those of their roles (an API key's
 *                    scopes)
 * @param tenant    the tenant the credential is bound to, or {@code null}
 * @param expiresAt when the credential stops being accepted ({@link Instant#MAX} for an API key without expiry)
 * @param method    how the credential arrived
 */
public record Principal(String userId, String sessionId, String issuer, List<String> roles,
                        List<String> permissions, String tenant, Instant expiresAt, Method method) {

    /** Where a credential was found. */
    public enum Method {
        /** {@code Authorization: Bearer}. */
        BEARER,
        /** The access cookie; unsafe methods also need a CSRF token. */
        COOKIE,
        /** A {@code Sec-WebSocket-Protocol} entry of a WebSocket upgrade. */
        WEBSOCKET_PROTOCOL,
        /** A query parameter, where the route allows it. */
        QUERY,
        /** An API key of a machine client, where the route allows them; no session, no roles. */
        API_KEY
    }

    public Principal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(issuer, "issuer");
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(method, "method");
    }
}
