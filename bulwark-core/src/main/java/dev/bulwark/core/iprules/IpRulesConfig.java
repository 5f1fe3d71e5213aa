package dev.bulwark.core.iprules;

import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which client addresses may use a route (or the whole gateway), as configured, before validation:
 * {@code ipRules: {allow: [...], deny: [...]}}.
 *
 * <p>A client matching {@code deny} is refused whatever {@code allow} says. When {@code allow} is empty every
 * client not denied may pass; when it is not, only clients inside one of its blocks may. Entries are CIDRs or
 * bare addresses as {@link Cidr#parse} accepts them; {@link #problems} reports the ones it does not. Lists are
 * kept as given (including {@code null} entries, so they can be reported) and cannot be modified.
 *
 * @param allow the blocks whose clients may pass; empty means every client not denied
 * @param deny  the blocks whose clients are always refused
 */
public record IpRulesConfig(List<String> allow, List<String> deny) {

    /** No rules: every client passes. */
    public static final IpRulesConfig NONE = new IpRulesConfig(List.of(), List.of());

    public IpRulesConfig {
        allow = allow == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(allow));
        deny = deny == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(deny));
    }

    /** @return rules that let only clients in {@code cidrs} pass */
    public static IpRulesConfig allowOnly(String... cidrs) {
        return new IpRulesConfig(List.of(cidrs), List.of());
    }

    /** @return rules that refuse clients in {@code cidrs} and let every other client pass */
    public static IpRulesConfig denyOnly(String... cidrs) {
        return new IpRulesConfig(List.of(), List.of(cidrs));
    }

    /** @return whether there are no rules at all, so every client passes */
    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }

    /**
     * Checks the rules as configured.
     *
     * @param config the rules; {@code null} when the key is absent (no problem)
     * @param path   the rules' key path, e.g. {@code server.ipRules} or {@code routes[2].ipRules}
     * @return every malformed entry, each at its own key path ({@code routes[2].ipRules.deny[0]}) with a message
     *     quoting the value; empty when the rules are valid
     */
    public static List<ConfigProblem> problems(IpRulesConfig config, String path) {
        if (config == null) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        check(config.allow(), path + ".allow", problems);
        check(config.deny(), path + ".deny", problems);
        return problems;
    }

    private static void check(List<String> cidrs, String path, List<ConfigProblem> problems) {
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                Cidr.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(path + "[" + i + "]", e.getMessage()));
            }
        }
    }

    /** @return a builder with no rules */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link IpRulesConfig}; {@link #problems} validates it. Not thread-safe. */
    public static final class Builder {
        private final List<String> allow = new ArrayList<>();
        private final List<String> deny = new ArrayList<>();

        private Builder() {
        }

        /** Adds blocks whose clients may pass, e.g. {@code "10.0.0.0/8", "2001:db8::/32"}. */
        public Builder allow(String... cidrs) {
            allow.addAll(List.of(cidrs));
            return this;
        }

        /** Adds blocks whose clients are always refused. */
        public Builder deny(String... cidrs) {
            deny.addAll(List.of(cidrs));
            return this;
        }

        public IpRulesConfig build() {
            return new IpRulesConfig(allow, deny);
        }
    }
}
