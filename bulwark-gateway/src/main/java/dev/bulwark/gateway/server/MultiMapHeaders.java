package dev.bulwark.gateway.server;

import dev.bulwark.api.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@link Headers} view over a Vert.x {@link MultiMap}: filters read and change the host's own header map,
 * nothing is copied.
 *
 * <p>Fields that Bulwark's filters write are stored under pre-encoded names ({@link AsciiString}s, whose hash
 * is computed once and which Netty copies into the response head as bytes), and values given as bytes
 * ({@link #setAscii}) are kept as they are. Vert.x still validates every field.
 *
 * <p>Not thread-safe, like the map it wraps; used by one exchange on its event loop.
 */
public final class MultiMapHeaders implements Headers {

    /**
     * The fields Bulwark's own filters write on proxied responses, each as one shared pre-encoded name. Refusals
     * are built in their own map and copied out, so their fields ({@code Retry-After}, {@code WWW-Authenticate})
     * never come through here.
     */
    private static final Map<String, AsciiString> FIELD_NAMES = Stream.of(
                    "RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                    "X-RateLimit-Reset", "Cache-Control", "Vary", "X-Request-Id",
                    "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                    "Cross-Origin-Resource-Policy", "Permissions-Policy", "Strict-Transport-Security",
                    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
                    "Access-Control-Expose-Headers")
            .collect(Collectors.toUnmodifiableMap(Function.identity(), AsciiString::cached));

    private final MultiMap map;

    /** @param map the Vert.x map to expose; changes go straight to it */
    public MultiMapHeaders(MultiMap map) {
        this.map = map;
    }

    /** @return the wrapped Vert.x map */
    public MultiMap unwrap() {
        return map;
    }

    @Override
    public String get(String name) {
        return map.get(name);
    }

    @Override
    public List<String> getAll(String name) {
        return map.getAll(name);
    }

    @Override
    public boolean contains(String name) {
        return map.contains(name);
    }

    @Override
    public Headers set(String name, String value) {
        map.set(fieldName(name), value);
        return this;
    }

    /** Stores {@code value} without copying it; Vert.x validates it like any other value. */
    @Override
    public Headers setAscii(String name, byte[] value) {
        map.set(fieldName(name), new AsciiString(value, false));
        return this;
    }

    @Override
    public Headers add(String name, String value) {
        map.add(fieldName(name), value);
        return this;
    }

    @Override
    public Headers remove(String name) {
        map.remove(name);
        return this;
    }

    @Override
    public Set<String> names() {
        return map.names();
    }

    /** Counts every field; Vert.x's own {@code size()} counts distinct names, and builds a sorted set to do so. */
    @Override
    public int size() {
        if (map instanceof HttpHeaders netty) {
            int fields = 0;
            for (Iterator<?> it = netty.iteratorCharSequence(); it.hasNext(); it.next()) {
                fields++;
            }
            return fields;
        }
        return map.entries().size();
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        map.forEach(action);
    }

    /** @return the shared pre-encoded name when Bulwark writes this field (same spelling), else {@code name} */
    private static CharSequence fieldName(String name) {
        AsciiString known = FIELD_NAMES.get(name);
        return known != null ? known : name;
    }

    @Override
    public String toString() {
        return "Headers" + map.names();
    }
}
