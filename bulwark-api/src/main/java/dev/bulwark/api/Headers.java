package dev.bulwark.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A mutable, case-insensitive multimap of HTTP header fields.
 *
 * <p>Hosts adapt their native header maps to this interface so filters can change what goes upstream or
 * back to the client without copying. Not thread-safe: an exchange is handled by one thread at a time.
 */
public interface Headers {

    /** @return the first value of {@code name}, or {@code null} when absent */
    String get(String name);

    /** @return every value of {@code name} in order; empty when absent */
    List<String> getAll(String name);

    /** @return whether at least one field named {@code name} is present */
    boolean contains(String name);

    /** Replaces all values of {@code name} with {@code value}. @return this */
    Headers set(String name, String value);

    /**
     * Replaces all values of {@code name} with a value its caller has already encoded as US-ASCII (visible
     * characters, spaces and tabs only): for values built or kept as bytes, such as numbers and fixed policy
     * strings. Hosts that write header fields as bytes keep the array as it is instead of decoding and encoding
     * it again, so the caller must not change it afterwards. The default decodes it and calls
     * {@link #set(String, String)}.
     *
     * @return this
     */
    default Headers setAscii(String name, byte[] value) {
        return set(name, new String(value, StandardCharsets.US_ASCII));
    }

    /** Appends one value of {@code name}. @return this */
    Headers add(String name, String value);

    /** Removes every value of {@code name}. @return this */
    Headers remove(String name);

    /** @return the distinct field names, in their original spelling */
    Set<String> names();

    /** @return the number of fields (a repeated name counts once per value) */
    int size();

    /** Calls {@code action} once per field value, in order. */
    void forEach(BiConsumer<String, String> action);

    /** @return a new empty header map independent of any host */
    static Headers create() {
        return new SimpleHeaders();
    }
}
