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
 */
public record AuthRouteConfig(Mode mode, List<String> issuers, String queryParameter) {

    /** Whether the route needs a credential. */
    public enum Mode {
        /** No credential: 401. */
        REQUIRED,
        /** Anonymous requests pass; a credential that is present must be valid. */
        OPTIONAL,
        /** Credentials are not looked at. */
        OFF
    }

    /** Authentication required, every issuer, no query tokens. */
    public static final AuthRouteConfig REQUIRED = new AuthRouteConfig(Mode.REQUIRED, List.of(), null);
    /** Authentication optional. */
    public static final AuthRouteConfig OPTIONAL = new AuthRouteConfig(Mode.OPTIONAL, List.of(), null);
    /** Authentication off. */
    public static final AuthRouteConfig OFF = new AuthRouteConfig(Mode.OFF, List.of(), null);

    public AuthRouteConfig {
        Objects.requireNonNull(mode, "mode");
        issuers = List.copyOf(issuers);
    }

    /** @return whether credentials are looked at */
    public boolean isOn() {
        return mode != Mode.OFF;
    }
}
