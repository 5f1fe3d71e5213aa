package dev.bulwark.core.admin;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Lets a caller into the admin API when it holds one of {@link AdminConfig#roles()}, or exactly the permission
 * {@link AdminConfig#scope()}: no wildcard grant ({@code *}, {@code *:*}, {@code *:admin}) covers the scope, so an
 * integration key scoped {@code *} for a backend's own API cannot manage users. A credential bound to a tenant (an
 * API key made for one merchant) never gets in: the admin API acts across tenants. Anyone else gets 403
 * {@code PERMISSION_MISSING}. Runs after authentication. Immutable and thread-safe.
 */
public final class AdminAccessFilter implements SecurityFilter {

    private final AdminConfig admin;

    /** @param admin whose roles and scope let a caller in */
    public AdminAccessFilter(AdminConfig admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZATION;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        if (principal != null && principal.method() == Principal.Method.API_KEY && principal.tenant() != null) {
            return refuse(exchange, "a key bound to a tenant cannot use the admin api");
        }
        if (principal != null && (principal.roles().stream().anyMatch(admin.roles()::contains)
                || principal.permissions().contains(admin.scope()))) {
            return chain.proceed(exchange);
        }
        return refuse(exchange, "needs one of the roles " + admin.roles() + " or the permission " + admin.scope());
    }

    private static CompletionStage<Response> refuse(Exchange exchange, String detail) {
        return CompletableFuture.completedFuture(exchange.refuse(Reason.PERMISSION_MISSING, "admin", detail));
    }
}
