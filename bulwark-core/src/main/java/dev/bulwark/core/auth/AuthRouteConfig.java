package dev.bulwark.core.auth;

import java.util.List;
import java.util.Objects;

/**
 * A route's (or policy's) {@code auth} setting: whether a verified credential is required, and which ones count.
 *
 * @param mode           required, optional (verified when present, refused when invalid) or off
 * @param issuers        issuers whose tokens the route accepts; empty means Bulwark's own and every configured
 *                       external issuer
 * @param queryParameter a query parameter that may carry the access token (for clients that cannot set
 *                       headers), or {@code null} to never read tokens from the URL
 * @param apiKeys        whether API keys of machine clients count, besides or instead of tokens
 * @param apiKeyHeader   the request header that carries an API key (never forwarded upstream where keys count)
 * @param forwardToken   whether the access token a request authenticated with goes on to the backend; when
 *                       {@code false} it is taken out (the {@code Authorization} header, the access cookie or the
 *                       query parameter), and the backend learns who called from {@code identityHeaders}
 */
public record AuthRouteConfig(Mode mode, List<String> issuers, String queryParameter, ApiKeyMode apiKeys,
                              String apiKeyHeader, boolean forwardToken) {

    /** Whether the route needs a credential. */
    public enum Mode {
        /** No credential: 401. */
        REQUIRED,
        /** Anonymous requests pass; a credential that is present must be valid. */
        OPTIONAL,
        /** Credentials are not looked at. */
        OFF
    }

    /** Whether a route accepts API keys ({@code auth.apiKeys}). */
    public enum ApiKeyMode {
        /** Only tokens count; the API key header is not looked at (and reaches the backend). */
        OFF,
        /** A request may authenticate with an API key or with a token (not both at once). */
        ALSO,
        /** Only API keys count; tokens are not looked at. */
        ONLY
    }

    /** The header API keys are read from unless a route names another. */
    public static final String DEFAULT_API_KEY_HEADER = "X-Api-Key";

    /** Authentication required, every issuer, no query tokens. */
    public static final AuthRouteConfig REQUIRED = new AuthRouteConfig(Mode.REQUIRED, List.of(), null);
    /** Authentication optional. */
    public static final AuthRouteConfig OPTIONAL = new AuthRouteConfig(Mode.OPTIONAL, List.of(), null);
    /** Authentication off. */
    public static final AuthRouteConfig OFF = new AuthRouteConfig(Mode.OFF, List.of(), null);

    public AuthRouteConfig {
        Objects.requireNonNull(mode, "mode");
        issuers = List.copyOf(issuers);
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(apiKeyHeader, "apiKeyHeader");
    }

    /** A setting where only tokens count, and the token is forwarded. */
    public AuthRouteConfig(Mode mode, List<String> issuers, String queryParameter) {
        this(mode, issuers, queryParameter, ApiKeyMode.OFF, DEFAULT_API_KEY_HEADER, true);
    }

    /** @return this setting with API keys counting as {@code apiKeys} says, read from {@code header} */
    public AuthRouteConfig withApiKeys(ApiKeyMode apiKeys, String header) {
        return new AuthRouteConfig(mode, issuers, queryParameter, apiKeys, header, forwardToken);
    }

    /** @return this setting with the access token forwarded to the backend or not */
    public AuthRouteConfig withForwardToken(boolean forward) {
        return new AuthRouteConfig(mode, issuers, queryParameter, apiKeys, apiKeyHeader, forward);
    }

    /** @return whether API keys count on this route */
    public boolean acceptsApiKeys() {
        return apiKeys != ApiKeyMode.OFF;
    }

    /** @return whether credentials are looked at */
    public boolean isOn() {
        return mode != Mode.OFF;
    }
}
