package dev.bulwark.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found (not just the first), so one run of
 * {@code bulwark check} shows everything to fix.
 *
 * <p>{@link #getMessage()} is one line per problem, each naming the key path, the bad value and the
 * expectation. Immutable.
 */
public final class ConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    /** @throws IllegalArgumentException when {@code problems} is empty: an exception must say what is wrong */
    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a config exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found, in the order found */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
