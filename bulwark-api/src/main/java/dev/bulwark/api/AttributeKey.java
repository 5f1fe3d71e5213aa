package dev.bulwark.api;

import java.util.Objects;

/**
 * A typed key for per-exchange attributes, compared by identity. Declare keys as constants.
 *
 * @param <T> the type of the value stored under this key
 */
public final class AttributeKey<T> {

    private final String name;

    private AttributeKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** @return a new key; two calls with the same name give two distinct keys */
    public static <T> AttributeKey<T> named(String name) {
        return new AttributeKey<>(name);
    }

    @Override
    public String toString() {
        return "AttributeKey[" + name + "]";
    }
}
