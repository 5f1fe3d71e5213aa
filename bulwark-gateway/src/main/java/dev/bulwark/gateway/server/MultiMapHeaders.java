package dev.bulwark.gateway.server;

import dev.bulwark.api.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import io.vertx.core.MultiMap;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A {@link Headers} view over a Vert.x {@link MultiMap}: filters read and change the host's own header map,
 * nothing is copied.
 *
 * <p>Not thread-safe, like the map it wraps; used by one exchange on its event loop.
 */
public final class MultiMapHeaders implements Headers {

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
        map.set(name, value);
        return this;
    }

    @Override
    public Headers add(String name, String value) {
        map.add(name, value);
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

    @Override
    public String toString() {
        return "Headers" + map.names();
    }
}
