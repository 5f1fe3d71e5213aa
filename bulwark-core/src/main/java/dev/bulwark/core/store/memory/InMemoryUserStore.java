package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.CreateUserResult;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserPage;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.api.store.UserStore;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * A {@link UserStore} in this process's memory. Lost on restart: the embedded gateway uses the H2 store.
 *
 * <p>Bounded to {@code maxUsers}; creating one more fails with {@link StoreUnavailableException}. Thread-safe:
 * every operation holds one lock and completes its stage before returning.
 */
public final class InMemoryUserStore implements UserStore {

    private final Clock clock;
    private final int maxUsers;
    private final Map<String, User> byId = new HashMap<>();
    private final NavigableMap<String, User> byEmail = new TreeMap<>();

    /**
     * @param clock    the clock timestamps are taken from
     * @param maxUsers the most users held
     * @throws IllegalArgumentException when {@code maxUsers} is not positive
     */
    public InMemoryUserStore(Clock clock, int maxUsers) {
        if (maxUsers <= 0) {
            throw new IllegalArgumentException("user store max users must be positive: " + maxUsers);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxUsers = maxUsers;
    }

    @Override
    public synchronized CompletionStage<CreateUserResult> create(NewUser user) {
        Objects.requireNonNull(user, "user");
        if (byEmail.containsKey(user.email()) || byId.containsKey(user.id())) {
            return CompletableFuture.completedFuture(new CreateUserResult.EmailTaken());
        }
        if (byId.size() >= maxUsers) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("user store is full: " + maxUsers + " users"));
        }
        Instant now = clock.instant();
        User created = new User(user.id(), user.email(), user.passwordHash(), user.roles(), user.permissions(),
                user.tenants(), UserStatus.ACTIVE, now, now, now);
        put(created);
        return CompletableFuture.completedFuture(new CreateUserResult.Created(created));
    }

    @Override
    public synchronized CompletionStage<Optional<User>> findById(String id) {
        Objects.requireNonNull(id, "id");
        return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
    }

    @Override
    public synchronized CompletionStage<Optional<User>> findByEmail(String email) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byEmail.get(User.normalizeEmail(email))));
    }

    @Override
    public synchronized CompletionStage<Boolean> rehashPassword(String id, String expectedHash, String newHash) {
        Objects.requireNonNull(expectedHash, "expectedHash");
        Objects.requireNonNull(newHash, "newHash");
        User user = byId.get(Objects.requireNonNull(id, "id"));
        if (user == null || !user.passwordHash().equals(expectedHash)) {
            return CompletableFuture.completedFuture(false);
        }
        put(new User(user.id(), user.email(), newHash, user.roles(), user.permissions(), user.tenants(),
                user.status(), user.createdAt(), clock.instant(), user.passwordChangedAt()));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<Optional<User>> changePassword(String id, String newHash) {
        Objects.requireNonNull(newHash, "newHash");
        return update(id, user -> {
            Instant now = clock.instant();
            return new User(user.id(), user.email(), newHash, user.roles(), user.permissions(), user.tenants(),
                    user.status(), user.createdAt(), now, now);
        });
    }

    @Override
    public CompletionStage<Optional<User>> setAccess(String id, Set<String> roles, Set<String> permissions) {
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(permissions, "permissions");
        return update(id, user -> new User(user.id(), user.email(), user.passwordHash(), roles, permissions,
                user.tenants(), user.status(), user.createdAt(), clock.instant(), user.passwordChangedAt()));
    }

    @Override
    public CompletionStage<Optional<User>> setTenants(String id, Set<String> tenants) {
        User.names(tenants, "tenants");
        return update(id, user -> new User(user.id(), user.email(), user.passwordHash(), user.roles(),
                user.permissions(), tenants, user.status(), user.createdAt(), clock.instant(),
                user.passwordChangedAt()));
    }

    @Override
    public CompletionStage<Optional<User>> setStatus(String id, UserStatus status) {
        Objects.requireNonNull(status, "status");
        return update(id, user -> new User(user.id(), user.email(), user.passwordHash(), user.roles(),
                user.permissions(), user.tenants(), status, user.createdAt(), clock.instant(),
                user.passwordChangedAt()));
    }

    @Override
    public synchronized CompletionStage<UserPage> list(String after, int limit) {
        checkLimit(limit);
        NavigableMap<String, User> tail = after == null ? byEmail : byEmail.tailMap(after, false);
        // One user more than asked says whether a next page exists.
        List<User> rows = tail.values().stream().limit(limit + 1L).toList();
        if (rows.size() <= limit) {
            return CompletableFuture.completedFuture(new UserPage(rows, null));
        }
        List<User> page = rows.subList(0, limit);
        return CompletableFuture.completedFuture(new UserPage(page, page.get(limit - 1).email()));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + MAX_PAGE_SIZE + ": " + limit);
        }
    }

    private synchronized CompletionStage<Optional<User>> update(String id, UnaryOperator<User> change) {
        User user = byId.get(Objects.requireNonNull(id, "id"));
        if (user == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        User updated = change.apply(user);
        put(updated);
        return CompletableFuture.completedFuture(Optional.of(updated));
    }

    private void put(User user) {
        byId.put(user.id(), user);
        byEmail.put(user.email(), user);
    }
}
