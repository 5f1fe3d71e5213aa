package dev.bulwark.core.admin;

import com.fasterxml.jackson.core.JacksonException;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.Session;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.api.store.UserStore;
import dev.bulwark.core.auth.apikey.ApiKeys;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.password.PasswordPolicyConfig;
import dev.bulwark.core.authz.AuthorizationFilter;
import dev.bulwark.core.tenant.TenantDirectory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The admin API: users, their sessions, tenants, API keys and the compiled route table, as JSON under the
 * configured prefix.
 *
 * <p>It runs as the terminal of the admin route's chain, so by the time a request gets here the chain has
 * authenticated the caller and checked that they may administer; {@link #handle} only dispatches. Each resource
 * (users, sessions, tenants, API keys, routes) registers its endpoints in one small method of the endpoint
 * table; a path no endpoint has is a 404 problem, a method it does not take a 405 with {@code Allow}. Bodies
 * are JSON objects of known fields; a bad field is a 400 problem naming it (never echoing the value), an
 * unknown id a 404, a store that does not answer a 503. Lists are keyset-paginated:
 * {@code ?limit=&cursor=} gives {@code {items, nextCursor}}. Every change emits one {@link Reason#ADMIN_ACTION}
 * event naming the actor (the caller's user id, or {@code apikey:<id>}) and the target, never a secret.
 * Responses carry {@code Cache-Control: no-store} and never a password hash or an API key's secret hash.
 *
 * <p>Written against {@link Exchange} only, so an embedding application can serve the same API. Thread-safe.
 */
public final class AdminEndpoints {

    /** The {@code source} of this API's events and problems. */
    public static final String SOURCE = "admin";
    private static final int MAX_EMAIL = User.MAX_EMAIL_LENGTH;
    private static final int MAX_PASSWORD_CHARS = PasswordPolicyConfig.LONGEST_ALLOWED;
    private static final int MAX_TENANT_NAME = 200;

    private final String prefix;
    private final Identity identity;
    private final UserStore users;
    private final TenantStore tenants;
    private final TenantDirectory directory;
    private final ApiKeys apiKeys;
    private final Set<String> knownRoles;
    private final byte[] routeTable;
    private final List<Endpoint> endpoints = new ArrayList<>();

    /**
     * @param config     the admin section (its prefix is what {@link #handle} strips)
     * @param identity   accounts and sessions
     * @param tenants    tenants and their status
     * @param directory  this node's cache of tenant statuses and memberships, told of changes made here so they
     *                   hold from the next request on this node (others see them within its ttl); {@code null}
     *                   when no route has a tenant rule
     * @param apiKeys    machine clients' keys
     * @param knownRoles the roles of {@code authorization.roles}; when not empty, only these may be assigned
     * @param routeTable the compiled route table as {@code GET routes} shows it, rendered once
     */
    public AdminEndpoints(AdminConfig config, Identity identity, TenantStore tenants, TenantDirectory directory,
                          ApiKeys apiKeys, Set<String> knownRoles, List<Map<String, Object>> routeTable) {
        this.directory = directory;
        this.prefix = config.prefix();
        this.identity = identity;
        this.users = identity.users();
        this.tenants = tenants;
        this.apiKeys = apiKeys;
        this.knownRoles = Set.copyOf(knownRoles);
        this.routeTable = write(Map.of("routes", routeTable));
        users();
        sessions();
        tenants();
        apiKeys();
        routes();
    }

    /** @return the path pattern the endpoints answer, for routing */
    public String path() {
        return prefix + "/**";
    }

    /**
     * Answers one request under {@link #path()} that the admin route's filters let through.
     *
     * @return the response; bad input, unknown ids and store failures are problem responses, only bugs fail it
     */
    public CompletionStage<Response> handle(Exchange exchange) {
        List<String> segments = segments(exchange.path());
        Set<String> allowed = new TreeSet<>();
        for (Endpoint endpoint : endpoints) {
            List<String> params = endpoint.match(segments);
            if (params == null) {
                continue;
            }
            if (endpoint.method().equals(exchange.method())
                    || (endpoint.method().equals("GET") && exchange.method().equals("HEAD"))) {
                return run(endpoint.action(), new Call(exchange, params));
            }
            allowed.add(endpoint.method());
        }
        if (allowed.isEmpty()) {
            return done(exchange.refuse(Reason.ROUTE_NOT_FOUND, SOURCE, "no admin endpoint at this path"));
        }
        Response refused = exchange.refuse(Reason.METHOD_NOT_ALLOWED, SOURCE,
                "this endpoint accepts " + String.join(", ", allowed));
        refused.headers().set("Allow", String.join(", ", allowed));
        return done(refused);
    }

    // ---- the endpoint table: one method per resource ----

    private void users() {
        on("GET", "users", call -> page(call, this::listUsers));
        on("POST", "users", this::createUser);
        on("GET", "users/{id}", call -> withUser(call, user -> done(json(200, user(user)))));
        on("POST", "users/{id}/disable", call -> setStatus(call, UserStatus.DISABLED));
        on("POST", "users/{id}/enable", call -> setStatus(call, UserStatus.ACTIVE));
        on("PUT", "users/{id}/roles", this::setRoles);
        on("PUT", "users/{id}/permissions", this::setPermissions);
        on("PUT", "users/{id}/tenants", this::setTenants);
        on("POST", "users/{id}/password", this::resetPassword);
    }

    private void sessions() {
        on("GET", "users/{id}/sessions", this::listSessions);
        on("DELETE", "users/{id}/sessions", this::endSessions);
        on("DELETE", "users/{id}/sessions/{sid}", this::endSession);
    }

    private void tenants() {
        on("GET", "tenants", call -> page(call, request -> tenants.list(request.after(), request.limit())
                .thenApply(page -> listing(page.items().stream().map(AdminEndpoints::tenant).toList(),
                        page.nextCursor()))));
        on("POST", "tenants", this::createTenant);
        on("GET", "tenants/{id}", call -> tenants.findById(call.param(0)).thenApply(found -> found
                .map(tenant -> json(200, tenant(tenant))).orElseGet(() -> notFound(call, "tenant"))));
        on("PUT", "tenants/{id}/status", this::setTenantStatus);
    }

    private void apiKeys() {
        on("GET", "apikeys", call -> page(call, request -> apiKeys.list(request.after(), request.limit())
                .thenApply(page -> listing(page.items().stream().map(AdminEndpoints::apiKey).toList(),
                        page.nextCursor()))));
        on("POST", "apikeys", this::createApiKey);
        on("DELETE", "apikeys/{id}", this::revokeApiKey);
    }

    private void routes() {
        on("GET", "routes", call -> done(json(200, routeTable)));
    }

    // ---- users ----

    private CompletionStage<Response> listUsers(PageRequest request) {
        return users.list(request.after(), request.limit()).thenApply(page -> listing(
                page.users().stream().map(AdminEndpoints::user).toList(), page.nextCursor()));
    }

    private CompletionStage<Response> createUser(Call call) {
        return JsonInput.read(call.exchange(), List.of("email", "password", "roles", "permissions")).thenCompose(in -> {
            String email = email(in);
            String given = in.optionalText("password", MAX_PASSWORD_CHARS);
            Set<String> roles = in.names("roles", this::roleProblem);
            Set<String> permissions = in.optionalNames("permissions", AdminEndpoints::permissionProblem);
            String password = given != null ? given : identity.passwordPolicy().generate(email);
            return identity.createUser(email, password, roles, Set.of()).thenCompose(outcome -> switch (outcome) {
                case Identity.CreateOutcome.Created created -> (permissions == null || permissions.isEmpty()
                        ? done(created.user())
                        : users.setAccess(created.user().id(), roles, permissions)
                                .thenApply(updated -> updated.orElse(created.user())))
                        .thenApply(user -> {
                            call.changed("created user " + user.id() + " with roles " + user.roles());
                            Map<String, Object> body = user(user);
                            if (given == null) {
                                body.put("generatedPassword", password);
                            }
                            Response response = json(201, body);
                            response.headers().set("Location", location("users", user.id()));
                            return response;
                        });
                case Identity.CreateOutcome.EmailTaken taken -> done(call.exchange().refuse(
                        Reason.RESOURCE_CONFLICT, SOURCE, "email: an account with this email exists"));
                case Identity.CreateOutcome.Rejected rejected -> done(passwordRejected(call, rejected.violations()));
                case Identity.CreateOutcome.Busy busy -> done(busy(call));
            });
        });
    }

    private CompletionStage<Response> setStatus(Call call, UserStatus status) {
        return identity.setStatus(call.param(0), status).thenApply(updated -> updated.map(user -> {
            call.changed((status == UserStatus.DISABLED ? "disabled user " + user.id()
                    + ": its sessions ended and its tokens are void" : "enabled user " + user.id()));
            return json(200, user(user));
        }).orElseGet(() -> notFound(call, "user")));
    }

    private CompletionStage<Response> setRoles(Call call) {
        return JsonInput.read(call.exchange(), List.of("roles")).thenCompose(in -> {
            Set<String> roles = in.names("roles", this::roleProblem);
            return withUser(call, user -> setAccess(call, user, roles, user.permissions(), "roles " + roles));
        });
    }

    private CompletionStage<Response> setPermissions(Call call) {
        return JsonInput.read(call.exchange(), List.of("permissions")).thenCompose(in -> {
            Set<String> permissions = in.names("permissions", AdminEndpoints::permissionProblem);
            return withUser(call, user -> setAccess(call, user, user.roles(), permissions,
                    "permissions " + permissions));
        });
    }

    /**
     * A grant takes effect at the user's next refresh; a withdrawal must not wait for their tokens to expire,
     * so it ends every session of the user (their tokens are refused from the next request).
     */
    private CompletionStage<Response> setAccess(Call call, User user, Set<String> roles, Set<String> permissions,
                                                String what) {
        boolean withdrawn = !roles.containsAll(user.roles()) || !permissions.containsAll(user.permissions());
        return users.setAccess(user.id(), roles, permissions).thenCompose(updated -> {
            if (updated.isEmpty()) {
                return done(notFound(call, "user"));
            }
            CompletionStage<List<String>> ended = withdrawn ? identity.logoutAll(user.id(), null) : done(List.of());
            return ended.thenApply(sessions -> {
                call.changed("set the " + what + " of user " + user.id()
                        + (withdrawn ? "; " + sessions.size() + " session(s) ended" : ""));
                return json(200, user(updated.get()));
            });
        });
    }

    private CompletionStage<Response> setTenants(Call call) {
        return JsonInput.read(call.exchange(), List.of("tenants")).thenCompose(in -> {
            Set<String> wanted = in.names("tenants", AdminEndpoints::tenantIdProblem);
            return withUser(call, user -> missingTenant(new ArrayList<>(wanted), 0).thenCompose(missing -> {
                if (missing >= 0) {
                    return done(call.exchange().refuse(Reason.INVALID_INPUT, SOURCE,
                            "tenants[" + missing + "]: no tenant has this id"));
                }
                // Like a withdrawn role: a token carries its user's tenant, so a removal ends every session.
                boolean withdrawn = !wanted.containsAll(user.tenants());
                return users.setTenants(user.id(), wanted).thenCompose(updated -> {
                    if (updated.isEmpty()) {
                        return done(notFound(call, "user"));
                    }
                    if (directory != null) {
                        directory.forgetMemberships(user.id());
                    }
                    CompletionStage<List<String>> ended = withdrawn ? identity.logoutAll(user.id(), null)
                            : done(List.of());
                    return ended.thenApply(sessions -> {
                        call.changed("set the tenants of user " + user.id() + " to " + updated.get().tenants()
                                + (withdrawn ? "; " + sessions.size() + " session(s) ended" : ""));
                        return json(200, user(updated.get()));
                    });
                });
            }));
        });
    }

    /** @return the index of the first id no tenant has, or -1 when all exist; one lookup at a time */
    private CompletionStage<Integer> missingTenant(List<String> ids, int from) {
        if (from == ids.size()) {
            return done(-1);
        }
        return tenants.findById(ids.get(from)).thenCompose(found -> found.isEmpty() ? done(from)
                : missingTenant(ids, from + 1));
    }

    private CompletionStage<Response> resetPassword(Call call) {
        Exchange exchange = call.exchange();
        boolean noBody = !exchange.requestHeaders().contains("Content-Type") && exchange.contentLength() <= 0;
        CompletionStage<String> given = noBody ? done(null)
                : JsonInput.read(exchange, List.of("password")).thenApply(in ->
                        in.optionalText("password", MAX_PASSWORD_CHARS));
        return given.thenCompose(chosen -> (chosen != null ? done(chosen)
                // A generated password must pass the policy against this user's email, so it is looked up first.
                : users.findById(call.param(0)).thenApply(user -> identity.passwordPolicy()
                        .generate(user.map(User::email).orElse(null)))).thenCompose(password -> identity.resetPassword(call.param(0), password)
                .thenApply(outcome -> switch (outcome) {
                case Identity.PasswordOutcome.Done done when done.user() == null -> notFound(call, "user");
                case Identity.PasswordOutcome.Done done -> {
                    call.changed("reset the password of user " + done.user().id() + "; "
                            + done.endedSessionIds().size() + " session(s) ended");
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("endedSessions", done.endedSessionIds().size());
                    if (chosen == null) {
                        body.put("generatedPassword", password);
                    }
                    yield json(200, body);
                }
                case Identity.PasswordOutcome.Rejected rejected -> passwordRejected(call, rejected.violations());
                case Identity.PasswordOutcome.Busy busy -> busy(call);
                case Identity.PasswordOutcome.WrongPassword wrong ->
                        throw new IllegalStateException("a reset does not check the old password");
            })));
    }

    // ---- sessions ----

    /** A user's sessions are capped by {@code auth.sessions.maxPerUser}, so they always fit on one page. */
    private CompletionStage<Response> listSessions(Call call) {
        return withUser(call, user -> identity.sessions(user.id()).thenApply(sessions ->
                listing(sessions.stream().map(AdminEndpoints::session).toList(), null)));
    }

    private CompletionStage<Response> endSessions(Call call) {
        return withUser(call, user -> identity.logoutAll(user.id(), null).thenCompose(ended ->
                identity.revokeUserTokens(user.id()).thenApply(ignored -> {
                    call.changed("ended every session of user " + user.id() + " (" + ended.size()
                            + ") and voided its tokens");
                    return json(200, Map.of("endedSessions", ended.size()));
                })));
    }

    private CompletionStage<Response> endSession(Call call) {
        String userId = call.param(0);
        String sessionId = call.param(1);
        return identity.endSession(userId, sessionId).thenApply(ended -> {
            if (!ended) {
                return call.exchange().refuse(Reason.SESSION_NOT_FOUND, SOURCE,
                        "this user has no live session with this id");
            }
            call.changed("ended session " + sessionId + " of user " + userId);
            return Response.empty(204);
        });
    }

    // ---- tenants ----

    private CompletionStage<Response> createTenant(Call call) {
        return JsonInput.read(call.exchange(), List.of("id", "name")).thenCompose(in -> {
            String id = in.text("id", User.MAX_NAME_LENGTH);
            String idProblem = tenantIdProblem(id);
            if (idProblem != null) {
                throw new JsonInput.InvalidInput("id: " + idProblem);
            }
            String name = in.text("name", MAX_TENANT_NAME);
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new JsonInput.InvalidInput("name: must not contain control characters");
            }
            return tenants.create(id, name).thenApply(created -> created.map(tenant -> {
                call.changed("created tenant " + tenant.id());
                Response response = json(201, tenant(tenant));
                response.headers().set("Location", location("tenants", tenant.id()));
                return response;
            }).orElseGet(() -> call.exchange().refuse(Reason.RESOURCE_CONFLICT, SOURCE,
                    "id: a tenant with this id exists")));
        });
    }

    private CompletionStage<Response> setTenantStatus(Call call) {
        return JsonInput.read(call.exchange(), List.of("status")).thenCompose(in -> {
            TenantStatus status = in.choice("status", TenantStatus.class);
            return tenants.setStatus(call.param(0), status).thenApply(updated -> updated.map(tenant -> {
                if (directory != null) {
                    directory.forgetTenant(tenant.id());
                }
                call.changed("set the status of tenant " + tenant.id() + " to " + status);
                return json(200, tenant(tenant));
            }).orElseGet(() -> notFound(call, "tenant")));
        });
    }

    // ---- api keys ----

    private CompletionStage<Response> createApiKey(Call call) {
        return JsonInput.read(call.exchange(), List.of("name", "scopes", "tenant", "expiresAt")).thenCompose(in -> {
            String name = in.text("name", ApiKeys.MAX_NAME_LENGTH);
            if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
                throw new JsonInput.InvalidInput("name: must be printable characters, not only spaces");
            }
            Set<String> scopes = in.names("scopes", AdminEndpoints::permissionProblem);
            String tenant = in.optionalText("tenant", User.MAX_NAME_LENGTH);
            if (tenant != null && tenantIdProblem(tenant) != null) {
                throw new JsonInput.InvalidInput("tenant: " + tenantIdProblem(tenant));
            }
            Instant expiresAt = expiry(in.optionalText("expiresAt", 64), call);
            CompletionStage<Optional<Tenant>> owner = tenant == null ? done(Optional.empty())
                    : tenants.findById(tenant);
            return owner.thenCompose(found -> {
                if (tenant != null && found.isEmpty()) {
                    return done(call.exchange().refuse(Reason.INVALID_INPUT, SOURCE, "tenant: no tenant has this id"));
                }
                return apiKeys.create(name, scopes, tenant, expiresAt, call.actor()).thenApply(created -> {
                    call.changed("created api key " + created.key().id() + " with scopes " + created.key().scopes());
                    Map<String, Object> body = apiKey(created.key());
                    body.put("key", created.presented());
                    Response response = json(201, body);
                    response.headers().set("Location", location("apikeys", created.key().id()));
                    return response;
                });
            });
        });
    }

    private static Instant expiry(String text, Call call) {
        if (text == null) {
            return null;
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new JsonInput.InvalidInput("expiresAt: must be an instant such as 2030-01-31T00:00:00Z");
        }
        if (!expiresAt.isAfter(call.exchange().clock().instant())) {
            throw new JsonInput.InvalidInput("expiresAt: must be in the future");
        }
        return expiresAt;
    }

    private CompletionStage<Response> revokeApiKey(Call call) {
        return apiKeys.revoke(call.param(0)).thenApply(revoked -> revoked.map(key -> {
            call.changed("revoked api key " + key.id());
            return json(200, apiKey(key));
        }).orElseGet(() -> notFound(call, "api key")));
    }

    // ---- input checks ----

    private static String email(JsonInput in) {
        String email = in.text("email", MAX_EMAIL);
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1 || email.chars().anyMatch(c -> c <= ' ')) {
            throw new JsonInput.InvalidInput("email: is not an email address");
        }
        return email;
    }

    /** Role names as users carry them; when the role matrix lists roles, only those (a typo would grant nothing). */
    String roleProblem(String role) {
        String problem = nameProblem(role);
        if (problem == null && !knownRoles.isEmpty() && !knownRoles.contains(role)) {
            return "is not a role of authorization.roles (defined: " + String.join(", ", new TreeSet<>(knownRoles))
                    + ")";
        }
        return problem;
    }

    static String permissionProblem(String permission) {
        return AuthorizationFilter.grantProblem(permission) == null ? null
                : "is not a permission (segments of letters, digits, '_', '-', '.' or *, separated by ':')";
    }

    /** Tenant ids travel in headers, claims and this API's paths, so no spaces and no slashes. */
    static String tenantIdProblem(String id) {
        String problem = nameProblem(id);
        if (problem == null && id.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            return "must not contain spaces or /";
        }
        return problem;
    }

    private static String nameProblem(String name) {
        if (name.isBlank() || name.length() > User.MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            return "must be 1 to " + User.MAX_NAME_LENGTH + " printable characters";
        }
        return null;
    }

    // ---- plumbing ----

    private void on(String method, String pattern, Action action) {
        endpoints.add(new Endpoint(method, pattern.split("/"), action));
    }

    /** The path below the prefix, split; the prefix matched case-insensitively, so only its length counts. */
    private List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.substring(Math.min(prefix.length(), path.length())).split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private interface Action {
        CompletionStage<Response> run(Call call);
    }

    /** One entry of the endpoint table; {@code {name}} segments match any one segment and become parameters. */
    private record Endpoint(String method, String[] pattern, Action action) {
        List<String> match(List<String> segments) {
            if (segments.size() != pattern.length) {
                return null;
            }
            List<String> params = new ArrayList<>();
            for (int i = 0; i < pattern.length; i++) {
                if (pattern[i].startsWith("{")) {
                    params.add(segments.get(i));
                } else if (!pattern[i].equals(segments.get(i))) {
                    return null;
                }
            }
            return params;
        }
    }

    /** One request to an endpoint: the exchange and the path parameters. */
    private record Call(Exchange exchange, List<String> params) {
        String param(int index) {
            return params.get(index);
        }

        /** @return who is acting: the caller's user id, or {@code apikey:<id>} for an API key */
        String actor() {
            return principal().userId();
        }

        /** Emits the event every change emits: who did what to which target. */
        void changed(String what) {
            Principal principal = principal();
            String actor = principal.method() == Principal.Method.API_KEY ? principal.userId()
                    : "user " + principal.userId();
            exchange.emit(Reason.ADMIN_ACTION, SOURCE, actor + " " + what);
        }

        private Principal principal() {
            Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
            if (principal == null) {
                throw new IllegalStateException("admin endpoint reached without a principal");
            }
            return principal;
        }
    }

    private static CompletionStage<Response> run(Action action, Call call) {
        CompletionStage<Response> answer;
        try {
            answer = action.run(call);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(failure -> problem(call.exchange(), failure));
    }

    /** Turns expected failures into problems; anything else stays a failure (a bug: the host answers 500). */
    private static Response problem(Exchange exchange, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof JsonInput.InvalidInput invalid) {
            return exchange.refuse(Reason.INVALID_INPUT, SOURCE, invalid.getMessage());
        }
        if (cause instanceof BodyTooLargeException tooLarge) {
            return exchange.refuse(Reason.BODY_TOO_LARGE, SOURCE, "request body exceeds " + tooLarge.limit()
                    + " bytes");
        }
        if (cause instanceof IllegalArgumentException refused) {
            // A store's own bound (e.g. the total length of a user's tenants) the field checks did not cover;
            // its message names the value, never a secret.
            return exchange.refuse(Reason.INVALID_INPUT, SOURCE, refused.getMessage());
        }
        if (cause instanceof StoreUnavailableException) {
            Response response = exchange.refuse(Reason.SERVICE_UNAVAILABLE, SOURCE,
                    "a store did not answer; the change may not be complete, retry it");
            response.headers().set("Retry-After", "5");
            return response;
        }
        throw cause instanceof CompletionException completion ? completion : new CompletionException(cause);
    }

    private interface Paged {
        CompletionStage<Response> list(PageRequest request);
    }

    private static CompletionStage<Response> page(Call call, Paged list) {
        return list.list(PageRequest.parse(call.exchange().rawQuery()));
    }

    private CompletionStage<Response> withUser(Call call, Function<User, CompletionStage<Response>> action) {
        return users.findById(call.param(0)).thenCompose(found -> found.isPresent() ? action.apply(found.get())
                : done(notFound(call, "user")));
    }

    /** Tenant ids may hold any printable character, so the id is percent-encoded to keep the header ASCII. */
    private String location(String resource, String id) {
        return prefix + "/" + resource + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Response notFound(Call call, String what) {
        return call.exchange().refuse(Reason.RESOURCE_NOT_FOUND, SOURCE, "no " + what + " has this id");
    }

    private static Response passwordRejected(Call call, List<String> violations) {
        return call.exchange().refuse(Reason.PASSWORD_REJECTED, SOURCE, "password: " + String.join("; ", violations));
    }

    private static Response busy(Call call) {
        Response response = call.exchange().refuse(Reason.AUTH_BUSY, SOURCE, "every password hashing worker is busy");
        response.headers().set("Retry-After", "1");
        return response;
    }

    // ---- output: never a password hash, never a key's secret hash ----

    private static Response listing(List<Map<String, Object>> items, String storeCursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("nextCursor", PageRequest.cursor(storeCursor));
        return json(200, body);
    }

    private static Map<String, Object> user(User user) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("email", user.email());
        out.put("roles", user.roles());
        out.put("permissions", user.permissions());
        out.put("tenants", user.tenants());
        out.put("status", user.status().name());
        out.put("createdAt", user.createdAt().toString());
        out.put("updatedAt", user.updatedAt().toString());
        out.put("passwordChangedAt", user.passwordChangedAt().toString());
        return out;
    }

    private static Map<String, Object> session(Session session) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", session.id());
        out.put("createdAt", session.createdAt().toString());
        out.put("lastSeenAt", session.lastSeenAt().toString());
        out.put("expiresAt", session.idleExpiresAt().toString());
        out.put("absoluteExpiresAt", session.expiresAt().toString());
        out.put("userAgent", session.device().userAgent());
        out.put("ip", session.device().ip());
        return out;
    }

    private static Map<String, Object> tenant(Tenant tenant) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", tenant.id());
        out.put("name", tenant.name());
        out.put("status", tenant.status().name());
        out.put("createdAt", tenant.createdAt().toString());
        out.put("updatedAt", tenant.updatedAt().toString());
        return out;
    }

    private static Map<String, Object> apiKey(ApiKey key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("name", key.name());
        out.put("scopes", key.scopes());
        out.put("tenant", key.tenant());
        out.put("createdBy", key.createdBy());
        out.put("createdAt", key.createdAt().toString());
        out.put("expiresAt", key.expiresAt() == null ? null : key.expiresAt().toString());
        out.put("lastUsedAt", key.lastUsedAt() == null ? null : key.lastUsedAt().toString());
        out.put("revokedAt", key.revokedAt() == null ? null : key.revokedAt().toString());
        return out;
    }

    private static Response json(int status, Map<String, ?> body) {
        return json(status, write(body));
    }

    private static Response json(int status, byte[] body) {
        Response response = Response.of(status, JsonInput.JSON, body);
        response.headers().set("Cache-Control", "no-store");
        return response;
    }

    private static byte[] write(Map<String, ?> body) {
        try {
            return JsonInput.MAPPER.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new CompletionException(e);
        }
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
