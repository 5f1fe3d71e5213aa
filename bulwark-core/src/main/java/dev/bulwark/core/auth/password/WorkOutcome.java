package dev.bulwark.core.auth.password;

import java.util.Objects;

/**
 * What {@link PasswordWorkers} made of a submitted job: its value, or a refusal because every worker was busy
 * and the queue was full. The gateway answers {@link Busy} with 503 (or 429 with {@code Retry-After}).
 *
 * @param <T> the job's value type
 */
public sealed interface WorkOutcome<T> {

    /** The job ran and returned {@code value}. */
    record Done<T>(T value) implements WorkOutcome<T> {
        public Done {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The job was refused without running: the pool and its queue were full. */
    record Busy<T>() implements WorkOutcome<T> {
    }
}
