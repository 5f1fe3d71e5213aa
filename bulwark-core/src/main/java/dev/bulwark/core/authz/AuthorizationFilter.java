package dev.bulwark.core.authz;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Enforces a route's {@link AccessConfig} against the authenticated principal's roles and the permissions those
 * roles grant ({@link RolePermissions}), before the backend is reached. A caller without what the route needs
 * gets a 403 problem ({@code ROLE_MISSING} or {@code PERMISSION_MISSING}) whose detail names the missing
 * requirement, never the caller's own roles. An anonymous caller (optional authentication) is refused like one
 * with no roles. Runs after authentication (the chain refuses to build otherwise). Thread-safe.
 */
public final class AuthorizationFilter implements SecurityFilter {

    private final AccessConfig access;
    private final RolePermissions matrix;
    /** The permissions a request needs, per action the method map yields: filled in and split once. */
    private final Map<String, Needed> byAction;
    /** The same for a method the action map does not know. */
    private final Needed unknownAction;

    /** A route's permission templates filled in for one action. */
    private record Needed(List<String> any, List<String[]> anySplit, List<String> all, List<String[]> allSplit) {
        static Needed of(AccessConfig access, String action) {
            List<String> any = access.anyPermissions().stream().map(template -> fill(template, action)).toList();
            List<String> all = access.allPermissions().stream().map(template -> fill(template, action)).toList();
            return new Needed(any, split(any), all, split(all));
        }

        private static List<String[]> split(List<String> permissions) {
            return permissions.stream().map(permission -> permission.split(":", -1)).toList();
        }
    }

    /**
     * @throws IllegalArgumentException when a permission template is invalid
     */
    public AuthorizationFilter(AccessConfig access, RolePermissions matrix) {
        this.access = Objects.requireNonNull(access, "access");
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        for (String permission : access.anyPermissions()) {
            check(permission);
        }
        for (String permission : access.allPermissions()) {
            check(permission);
        }
        Map<String, Needed> needed = new HashMap<>();
        for (String action : matrix.actionNames()) {
            needed.put(action, Needed.of(access, action));
        }
        this.byAction = Map.copyOf(needed);
        this.unknownAction = Needed.of(access, null);
    }

    private static void check(String permission) {
        String problem = permissionProblem(permission);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** @return why {@code permission} cannot be a route's requirement (it may use {@code {action}}), or {@code null} */
    public static String permissionProblem(String permission) {
        return PermissionPattern.problem(permission, true);
    }

    /** @return why {@code permission} cannot be granted (to a role, a user, an API key), or {@code null} */
    public static String grantProblem(String permission) {
        return PermissionPattern.problem(permission, false);
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZATION;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        List<String> roles = principal == null ? List.of() : principal.roles();
        if (!access.anyRoles().isEmpty() && access.anyRoles().stream().noneMatch(roles::contains)) {
            return refuse(exchange, Reason.ROLE_MISSING, "needs one of the roles " + access.anyRoles());
        }
        for (String role : access.allRoles()) {
            if (!roles.contains(role)) {
                return refuse(exchange, Reason.ROLE_MISSING, "needs the role " + role);
            }
        }
        String action = matrix.action(exchange.method());
        Needed needed = action == null ? unknownAction : byAction.get(action);
        List<String> extra = principal == null ? List.of() : principal.permissions();
        if (!needed.any().isEmpty() && !grantsAny(roles, extra, needed.anySplit())) {
            return refuse(exchange, Reason.PERMISSION_MISSING, "needs one of the permissions " + needed.any());
        }
        for (int i = 0; i < needed.all().size(); i++) {
            if (!matrix.grants(roles, extra, needed.allSplit().get(i))) {
                return refuse(exchange, Reason.PERMISSION_MISSING, "needs the permission " + needed.all().get(i));
            }
        }
        return chain.proceed(exchange);
    }

    private boolean grantsAny(List<String> roles, List<String> extra, List<String[]> wanted) {
        for (String[] permission : wanted) {
            if (matrix.grants(roles, extra, permission)) {
                return true;
            }
        }
        return false;
    }

    /** A method the action map does not know fills {@code {action}} with its own lower-case name. */
    private static String fill(String template, String action) {
        return template.replace("{action}", action == null ? "unknown" : action);
    }

    private static CompletionStage<Response> refuse(Exchange exchange, Reason reason, String detail) {
        return CompletableFuture.completedFuture(exchange.refuse(reason, "authorization", detail));
    }
}
