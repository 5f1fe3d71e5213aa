package dev.bulwark.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** A small list-backed {@link Headers}; header maps are short, so a scan beats hashing. */
final class SimpleHeaders implements Headers {

    private final List<String> names = new ArrayList<>(8);
    private final List<String> values = new ArrayList<>(8);

    @Override
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    @Override
    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return all;
    }

    @Override
    public boolean contains(String name) {
        return get(name) != null;
    }

    @Override
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    @Override
    public Headers add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    @Override
    public Headers remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
        return this;
    }

    @Override
    public Set<String> names() {
        return new LinkedHashSet<>(names);
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.size(); i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    @Override
    public String toString() {
        return "Headers" + names;
    }
}
