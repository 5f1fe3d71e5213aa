package dev.bulwark.core.auth.identity;

import dev.bulwark.api.store.CreateUserResult;
import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.LockState;
import dev.bulwark.api.store.LoginAttemptStore;
import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.Revocation;
import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.api.store.Rotation;
import dev.bulwark.api.store.Session;
import dev.bulwark.api.store.SessionStore;
import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.api.store.UserStore;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.password.PasswordHasher;
import dev.bulwark.core.auth.password.PasswordPolicy;
import dev.bulwark.core.auth.password.PasswordVerification;
import dev.bulwark.core.auth.password.PasswordWorkers;
import dev.bulwark.core.auth.password.WorkOutcome;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.auth.token.AccessTokenIssuer;
import dev.bulwark.core.auth.token.IssuedAccessToken;
import dev.bulwark.core.auth.token.MasterKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Accounts and sessions: register, log in, refresh, log out (one session or all), change a password. The HTTP
 * endpoints, the CLI and the admin API all go through here, so the rules hold whichever way a change arrives.
 *
 * <p>What it guarantees: unknown emails and wrong passwords look the same and cost the same (a dummy hash is
 * verified); credential failures count per account, per IP and per (account, IP) and lock progressively; refresh
 * tokens rotate on every use, a rotated token presented again ends the session unless it is a concurrent retry
 * within the grace window; every session that ends is also written to the revocation store and to this node's
 * {@link RevocationList}, so its access tokens are refused on the very next request. Password hashing runs on
 * the bounded {@link PasswordWorkers}; when they are saturated the outcome is {@code Busy}, never a stall.
 *
 * <p>Outcomes are data, not exceptions; store failures fail the returned stage. Thread-safe.
 */
public final class Identity {

    /** A new login session: the tokens to hand out, and sessions ended to respect the per-user cap. */
    public record Tokens(IssuedAccessToken accessToken, String refreshToken, String sessionId, User user,
                         List<String> evictedSessionIds) {
        @Override
        public String toString() {
            return "Tokens[session=" + sessionId + ", user=" + user.id() + "]";
        }
    }

    /** The outcome of a login. */
    public sealed interface LoginOutcome {
        /** Logged in. */
        record Success(Tokens tokens) implements LoginOutcome { }
        /** Wrong email or password (indistinguishable); {@code lockedNow} when this failure triggered a lock. */
        record Invalid(boolean lockedNow, Duration retryAfter) implements LoginOutcome { }
        /** Locked out: no password was checked. */
        record Locked(Duration retryAfter) implements LoginOutcome { }
        /** Every hashing worker is busy. */
        record Busy() implements LoginOutcome { }
    }

    /** The outcome of a refresh. */
    public sealed interface RefreshOutcome {
        /** New tokens; {@code bindingChanged} when the binding policy logged a change of IP or browser. */
        record Success(Tokens tokens, boolean graceRetry, boolean bindingChanged) implements RefreshOutcome { }
        /** Malformed, unknown, expired or revoked. */
        record Invalid() implements RefreshOutcome { }
        /** A rotated token came back after the grace window: the session was ended. */
        record Reused(String sessionId, String userId) implements RefreshOutcome { }
        /** The binding policy ended the session because the IP or browser changed. */
        record BindingChanged(String sessionId, String userId) implements RefreshOutcome { }
    }

    /** The outcome of a password change or registration that needs hashing and the policy. */
    public sealed interface PasswordOutcome {
        /** Done; for a change, {@code endedSessionIds} lists the user's other sessions that were ended. */
        record Done(User user, List<String> endedSessionIds) implements PasswordOutcome { }
        /** The current password is wrong (change only). */
        record WrongPassword() implements PasswordOutcome { }
        /** The new password breaks the policy. */
        record Rejected(List<String> violations) implements PasswordOutcome { }
        /** Every hashing worker is busy. */
        record Busy() implements PasswordOutcome { }
    }

    private final AuthConfig config;
    private final UserStore users;
    private final SessionStore sessions;
    private final RevocationStore revocations;
    private final RevocationList revoked;
    private final LoginAttemptStore attempts;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final PasswordWorkers workers;
    private final AccessTokenIssuer issuer;
    private final SuccessorSeal successors;
    private final Clock clock;

    /**
     * @param revoked this node's revocation list, updated at once by every revocation made here
     */
    public Identity(AuthConfig config, UserStore users, SessionStore sessions, RevocationStore revocations,
                    RevocationList revoked, LoginAttemptStore attempts, PasswordHasher hasher,
                    PasswordWorkers workers, AccessTokenIssuer issuer, MasterKey masterKey, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.users = users;
        this.sessions = sessions;
        this.revocations = revocations;
        this.revoked = revoked;
        this.attempts = attempts;
        this.hasher = hasher;
        this.policy = new PasswordPolicy(config.password());
        this.workers = workers;
        this.issuer = issuer;
        this.successors = new SuccessorSeal(masterKey);
        this.clock = clock;
    }

    /** @return the configuration this identity runs with */
    public AuthConfig config() {
        return config;
    }

    /** @return the password policy new passwords are checked against (and generated passwords drawn from) */
    public PasswordPolicy passwordPolicy() {
        return policy;
    }

    /** @return the user store */
    public UserStore users() {
        return users;
    }

    // ---- login ----

    /**
     * Checks the password and opens a session.
     *
     * @param email  as typed; normalized here
     * @param device the client's user agent and IP, kept with the session
     * @throws IllegalArgumentException when {@code email} is not an email
     */
    public CompletionStage<LoginOutcome> login(String email, String password, Device device) {
        String normalized = User.normalizeEmail(email);
        List<String> keys = lockKeys(normalized, device.ip());
        return lockStates(keys).thenCompose(states -> {
            Optional<Duration> locked = longestLock(states);
            if (locked.isPresent()) {
                return CompletableFuture.completedFuture(new LoginOutcome.Locked(locked.get()));
            }
            return users.findByEmail(normalized).thenCompose(found -> {
                Optional<User> user = found.filter(User::isActive);
                return workers.submit(() -> user.isPresent()
                        ? hasher.verify(password, user.get().passwordHash())
                        : hasher.verifyAgainstDummy(password)).thenCompose(outcome -> {
                    if (!(outcome instanceof WorkOutcome.Done<PasswordVerification>(PasswordVerification check))) {
                        return CompletableFuture.completedFuture(new LoginOutcome.Busy());
                    }
                    if (user.isEmpty() || !check.matches()) {
                        return recordFailure(keys);
                    }
                    if (check.needsRehash()) {
                        rehashLater(user.get(), password);
                    }
                    return attempts.reset(keys.get(0))
                            .thenCompose(ignored -> openSession(user.get(), device))
                            .thenApply(LoginOutcome.Success::new);
                });
            });
        });
    }

    /** Keys in a fixed order: the (account, IP) pair first, then the account, then the IP. */
    private static List<String> lockKeys(String email, String ip) {
        return List.of("pair:" + email + "|" + ip, "account:" + email, "ip:" + ip);
    }

    private CompletionStage<List<LockState>> lockStates(List<String> keys) {
        List<CompletableFuture<LockState>> states = keys.stream()
                .map(key -> attempts.lockState(key).toCompletableFuture()).toList();
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> states.stream().map(CompletableFuture::join).toList());
    }

    private Optional<Duration> longestLock(List<LockState> states) {
        Instant now = clock.instant();
        return states.stream().map(state -> state.retryAfter(now)).flatMap(Optional::stream)
                .max(Comparator.naturalOrder());
    }

    private CompletionStage<LoginOutcome> recordFailure(List<String> keys) {
        AuthConfig.LockoutConfig lockout = config.lockout();
        int[] thresholds = {lockout.threshold(), lockout.accountThreshold(), lockout.ipThreshold()};
        List<CompletableFuture<LockState>> after = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            after.add(attempts.recordFailure(keys.get(i), lockout.policy(thresholds[i])).toCompletableFuture());
        }
        return CompletableFuture.allOf(after.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Optional<Duration> locked = longestLock(after.stream().map(CompletableFuture::join).toList());
            return new LoginOutcome.Invalid(locked.isPresent(), locked.orElse(null));
        });
    }

    private void rehashLater(User user, String password) {
        // Best effort and off the response path: a failure only means the old hash is kept until next login.
        workers.submit(() -> hasher.hash(password)).thenCompose(outcome ->
                outcome instanceof WorkOutcome.Done<String>(String hash)
                        ? users.rehashPassword(user.id(), user.passwordHash(), hash)
                        : CompletableFuture.completedFuture(false));
    }

    private CompletionStage<Tokens> openSession(User user, Device device) {
        String sessionId = RefreshToken.newSessionId();
        RefreshToken refresh = RefreshToken.issue(sessionId);
        NewSession session = new NewSession(sessionId, user.id(), device, refresh.hash(),
                config.refreshTokenLifetime(), config.sessionIdleTimeout());
        return sessions.create(session, config.maxSessionsPerUser()).thenCompose(created ->
                revokeAll(created.evictedSessionIds()).thenApply(ignored -> new Tokens(issue(user, sessionId),
                        refresh.token(), sessionId, user, created.evictedSessionIds())));
    }

    private IssuedAccessToken issue(User user, String sessionId) {
        String tenant = user.tenants().size() == 1 ? user.tenants().iterator().next() : null;
        return issuer.issue(user.id(), sessionId, List.copyOf(user.roles()), List.copyOf(user.permissions()), tenant);
    }

    // ---- refresh ----

    /**
     * Rotates a refresh token.
     *
     * @param presented the refresh token as the client sent it
     * @param device    where the refresh comes from, for the binding policy
     */
    public CompletionStage<RefreshOutcome> refresh(String presented, Device device) {
        Optional<RefreshToken> parsed = RefreshToken.parse(presented);
        if (parsed.isEmpty()) {
            return CompletableFuture.completedFuture(new RefreshOutcome.Invalid());
        }
        String sessionId = parsed.get().sessionId();
        RefreshToken next = RefreshToken.issue(sessionId);
        return sessions.rotate(sessionId, parsed.get().hash(), next.hash(),
                successors.seal(sessionId, next.token()), config.reuseGrace()).thenCompose(rotation ->
                switch (rotation.outcome()) {
                    case UNKNOWN -> CompletableFuture.completedFuture(new RefreshOutcome.Invalid());
                    case REUSE_DETECTED -> revokeAll(List.of(sessionId)).thenApply(ignored ->
                            new RefreshOutcome.Reused(sessionId, rotation.session().userId()));
                    case GRACE_RETRY -> successors.open(sessionId, rotation.successor())
                            .map(token -> reissue(rotation.session(), token, true, false))
                            .orElseGet(() -> CompletableFuture.completedFuture(new RefreshOutcome.Invalid()));
                    case ROTATED -> afterRotation(rotation, next.token(), device);
                });
    }

    private CompletionStage<RefreshOutcome> afterRotation(Rotation rotation, String token, Device device) {
        Session session = rotation.session();
        boolean changed = !session.device().ip().equals(device.ip())
                || !UserAgentFamily.of(session.device().userAgent()).equals(UserAgentFamily.of(device.userAgent()));
        if (changed && config.sessionBinding() == AuthConfig.SessionBinding.DENY) {
            return sessions.revoke(session.id()).thenCompose(ignored -> revokeAll(List.of(session.id())))
                    .thenApply(ignored -> new RefreshOutcome.BindingChanged(session.id(), session.userId()));
        }
        return reissue(session, token, false, changed && config.sessionBinding() == AuthConfig.SessionBinding.LOG);
    }

    private CompletionStage<RefreshOutcome> reissue(Session session, String refreshToken, boolean graceRetry,
                                                    boolean bindingChanged) {
        return users.findById(session.userId()).thenCompose(user -> {
            if (user.isEmpty() || !user.get().isActive()) {
                return sessions.revoke(session.id()).thenCompose(ignored -> revokeAll(List.of(session.id())))
                        .thenApply(ignored -> new RefreshOutcome.Invalid());
            }
            Tokens tokens = new Tokens(issue(user.get(), session.id()), refreshToken, session.id(), user.get(),
                    List.of());
            return CompletableFuture.completedFuture(new RefreshOutcome.Success(tokens, graceRetry, bindingChanged));
        });
    }

    // ---- logout and sessions ----

    /** Ends one session; its refresh token stops working and its access tokens are refused. */
    public CompletionStage<Boolean> logout(String sessionId) {
        return sessions.revoke(sessionId).thenCompose(ended ->
                revokeAll(List.of(sessionId)).thenApply(ignored -> ended.isPresent()));
    }

    /**
     * Ends every session of a user.
     *
     * @param keepSessionId a session to keep, or {@code null}
     * @return the ids of the sessions ended
     */
    public CompletionStage<List<String>> logoutAll(String userId, String keepSessionId) {
        return sessions.revokeAllForUser(userId, keepSessionId).thenCompose(ended ->
                revokeAll(ended).thenApply(ignored -> ended));
    }

    /** @return the user's live sessions, oldest first */
    public CompletionStage<List<Session>> sessions(String userId) {
        return sessions.listByUser(userId);
    }

    /** Ends one of the user's own sessions; another user's session id counts as not found. */
    public CompletionStage<Boolean> endSession(String userId, String sessionId) {
        return sessions.find(sessionId).thenCompose(session -> session.isPresent()
                && session.get().userId().equals(userId)
                ? logout(sessionId) : CompletableFuture.completedFuture(false));
    }

    /**
     * Ends every token a user holds, including ones of sessions this node never saw (a disabled account).
     */
    public CompletionStage<Void> revokeUserTokens(String userId) {
        Instant now = clock.instant();
        return revocations.revokeUserTokensBefore(userId, now, now.plus(tokenWindow()))
                .thenAccept(revoked::apply);
    }

    private CompletionStage<Void> revokeAll(List<String> sessionIds) {
        if (sessionIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Instant until = clock.instant().plus(tokenWindow());
        List<CompletableFuture<Revocation>> writes = sessionIds.stream()
                .map(id -> revocations.revokeSession(id, until).toCompletableFuture()).toList();
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenAccept(ignored -> writes.forEach(write -> revoked.apply(write.join())));
    }

    /** The longest an access token issued now can be accepted. */
    private Duration tokenWindow() {
        return config.accessTokenLifetime().plus(config.clockSkew()).plusSeconds(1);
    }

    // ---- passwords and accounts ----

    /**
     * Changes a password after checking the current one, then ends the user's other sessions.
     *
     * @param keepSessionId the session making the change, kept alive
     */
    public CompletionStage<PasswordOutcome> changePassword(String userId, String keepSessionId, String current,
                                                           String next, String ip) {
        return users.findById(userId).thenCompose(found -> {
            if (found.isEmpty() || !found.get().isActive()) {
                return CompletableFuture.completedFuture(new PasswordOutcome.WrongPassword());
            }
            User user = found.get();
            List<String> violations = policy.check(next, user.email());
            // Empty when the current password is wrong; the new hash otherwise (blank when the policy refuses it).
            return workers.submit(() -> hasher.verify(current, user.passwordHash()).matches()
                    ? Optional.of(violations.isEmpty() ? hasher.hash(next) : "") : Optional.<String>empty())
                    .thenCompose(outcome -> {
                if (!(outcome instanceof WorkOutcome.Done<Optional<String>>(Optional<String> checked))) {
                    return CompletableFuture.completedFuture(new PasswordOutcome.Busy());
                }
                if (checked.isEmpty()) {
                    return recordFailure(lockKeys(user.email(), ip))
                            .thenApply(ignored -> new PasswordOutcome.WrongPassword());
                }
                if (!violations.isEmpty()) {
                    return CompletableFuture.completedFuture(new PasswordOutcome.Rejected(violations));
                }
                String hash = checked.get();
                return users.changePassword(userId, hash).thenCompose(changed -> logoutAll(userId, keepSessionId)
                        .thenApply(ended -> new PasswordOutcome.Done(changed.orElse(user), ended)));
            });
        });
    }

    /**
     * Creates an account after the policy check. A taken email gives the same outcome as a new one (the existing
     * account is left alone), so registration never reveals which emails exist; callers that must know (the CLI,
     * the admin API) use {@link #createUser}.
     */
    public CompletionStage<PasswordOutcome> register(String email, String password, Set<String> roles) {
        return createUser(email, password, roles, Set.of()).thenApply(result -> switch (result) {
            case CreateOutcome.Created created -> new PasswordOutcome.Done(created.user(), List.of());
            case CreateOutcome.EmailTaken taken -> new PasswordOutcome.Done(null, List.of());
            case CreateOutcome.Rejected rejected -> new PasswordOutcome.Rejected(rejected.violations());
            case CreateOutcome.Busy busy -> new PasswordOutcome.Busy();
        });
    }

    /** The outcome of creating an account. */
    public sealed interface CreateOutcome {
        /** Created. */
        record Created(User user) implements CreateOutcome { }
        /** The email belongs to an account already. */
        record EmailTaken() implements CreateOutcome { }
        /** The password breaks the policy. */
        record Rejected(List<String> violations) implements CreateOutcome { }
        /** Every hashing worker is busy. */
        record Busy() implements CreateOutcome { }
    }

    /**
     * Creates an account with roles and tenants.
     *
     * @throws IllegalArgumentException when the email is malformed or a role or tenant name is invalid
     */
    public CompletionStage<CreateOutcome> createUser(String email, String password, Set<String> roles,
                                                     Set<String> tenants) {
        String normalized = User.normalizeEmail(email);
        User.names(roles, "roles");
        User.names(tenants, "tenants");
        List<String> violations = policy.check(password, normalized);
        // The hash is computed even for a rejected password, so rejection costs what acceptance costs.
        return workers.submit(() -> hasher.hash(password)).thenCompose(outcome -> {
            if (!(outcome instanceof WorkOutcome.Done<String>(String hash))) {
                return CompletableFuture.completedFuture(new CreateOutcome.Busy());
            }
            if (!violations.isEmpty()) {
                return CompletableFuture.completedFuture(new CreateOutcome.Rejected(violations));
            }
            return users.create(new NewUser(UUID.randomUUID().toString(), normalized, hash, roles, Set.of(), tenants))
                    .thenApply(result -> result instanceof CreateUserResult.Created(User user)
                            ? new CreateOutcome.Created(user) : new CreateOutcome.EmailTaken());
        });
    }

    /**
     * Sets a new password without the current one (an operator's reset), ending every session of the user.
     *
     * @return the outcome; {@code Done} with a {@code null} user for an unknown id
     */
    public CompletionStage<PasswordOutcome> resetPassword(String userId, String password) {
        return users.findById(userId).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(new PasswordOutcome.Done(null, List.of()));
            }
            List<String> violations = policy.check(password, found.get().email());
            if (!violations.isEmpty()) {
                return CompletableFuture.completedFuture(new PasswordOutcome.Rejected(violations));
            }
            return workers.submit(() -> hasher.hash(password)).thenCompose(outcome ->
                    outcome instanceof WorkOutcome.Done<String>(String hash)
                            ? users.changePassword(userId, hash).thenCompose(changed -> logoutAll(userId, null)
                                    .thenApply(ended -> (PasswordOutcome) new PasswordOutcome.Done(
                                            changed.orElse(null), ended)))
                            : CompletableFuture.completedFuture(new PasswordOutcome.Busy()));
        });
    }

    /**
     * Enables or disables an account; disabling ends its sessions and voids every token it holds.
     *
     * @return the updated user, empty for an unknown id
     */
    public CompletionStage<Optional<User>> setStatus(String userId, UserStatus status) {
        return users.setStatus(userId, status).thenCompose(updated -> {
            if (updated.isEmpty() || status == UserStatus.ACTIVE) {
                return CompletableFuture.completedFuture(updated);
            }
            return logoutAll(userId, null).thenCompose(ended -> revokeUserTokens(userId)).thenApply(ignored -> updated);
        });
    }
}
