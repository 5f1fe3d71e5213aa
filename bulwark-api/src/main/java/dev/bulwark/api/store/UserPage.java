package dev.bulwark.api.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link UserStore#list}, ordered by normalized email.
 *
 * @param users      the users on this page, at most the requested limit
 * @param nextCursor the cursor for the next page (the last email here), or {@code null} when this is the last
 */
public record UserPage(List<User> users, String nextCursor) {

    public UserPage {
        users = List.copyOf(users);
    }

    /** @return the cursor to pass to the next {@link UserStore#list} call, empty on the last page */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
