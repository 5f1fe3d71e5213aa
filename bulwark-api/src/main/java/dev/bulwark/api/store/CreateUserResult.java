package dev.bulwark.api.store;

import java.util.Objects;

/**
 * The answer to {@link UserStore#create}: the user was created, or the email (or id) was taken. A taken email
 * is an expected outcome of registration, not an error, so it is a value rather than an exception.
 */
public sealed interface CreateUserResult {

    /** @param user the created user, as stored */
    record Created(User user) implements CreateUserResult {
        public Created {
            Objects.requireNonNull(user, "user");
        }
    }

    /** Another user already has this normalized email (or this id); nothing was written. */
    record EmailTaken() implements CreateUserResult {
    }

    /** @return whether the user was created */
    default boolean created() {
        return this instanceof Created;
    }
}
