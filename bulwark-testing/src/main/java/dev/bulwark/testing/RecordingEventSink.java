package dev.bulwark.testing;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link SecurityEventSink} that keeps every event in memory, in arrival order, so tests can assert what
 * was emitted. Thread-safe.
 */
public final class RecordingEventSink implements SecurityEventSink {

    private final List<SecurityEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void emit(SecurityEvent event) {
        events.add(event);
    }

    /** @return a snapshot of the events so far */
    public List<SecurityEvent> events() {
        return List.copyOf(events);
    }

    /** @return the reasons of the events so far, in order */
    public List<Reason> reasons() {
        return events.stream().map(SecurityEvent::reason).toList();
    }

    /** @return the only event recorded; fails the test when there is not exactly one */
    public SecurityEvent single() {
        List<SecurityEvent> snapshot = events();
        if (snapshot.size() != 1) {
            throw new AssertionError("expected exactly one security event but got " + snapshot.size() + ": "
                    + snapshot);
        }
        return snapshot.get(0);
    }

    /** Forgets every event recorded so far. */
    public void clear() {
        events.clear();
    }
}
