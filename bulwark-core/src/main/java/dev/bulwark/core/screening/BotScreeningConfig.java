package dev.bulwark.core.screening;

import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code screening.bots} settings, as configured: what to do with requests from known scanners and with
 * requests that send no {@code User-Agent}.
 *
 * <p>Patterns are plain substrings matched without regard to case (never regular expressions, so a pattern
 * cannot backtrack); {@link ScannerUserAgents#BUILT_IN} always applies, {@link #userAgents} adds to it. A user
 * agent containing an {@link #allow} pattern is never flagged as a scanner (an in-house monitor that happens to
 * say {@code nuclei}, say). Lists are kept as given, including {@code null} entries so {@link #problems} can report
 * them, and cannot be modified. Immutable.
 *
 * @param mode           what to do with a scanner user agent
 * @param emptyUserAgent what to do with a request whose {@code User-Agent} is missing or blank; {@link
 *                       ScreeningAction#OFF} lets it pass unremarked
 * @param userAgents     extra scanner patterns
 * @param allow          patterns that are never flagged as scanners
 */
public record BotScreeningConfig(ScreeningAction mode, ScreeningAction emptyUserAgent, List<String> userAgents,
                                 List<String> allow) {

    /** Block known scanners, score requests without a user agent. */
    public static final BotScreeningConfig DEFAULT =
            new BotScreeningConfig(ScreeningAction.BLOCK, ScreeningAction.SCORE, List.of(), List.of());

    /** Patterns shorter than this match too much ordinary traffic to be useful. */
    static final int MIN_PATTERN_LENGTH = 3;

    public BotScreeningConfig {
        mode = mode == null ? DEFAULT.mode : mode;
        emptyUserAgent = emptyUserAgent == null ? DEFAULT.emptyUserAgent : emptyUserAgent;
        userAgents = userAgents == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(userAgents));
        allow = allow == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(allow));
    }

    /**
     * Checks the settings as configured.
     *
     * @param config the settings; {@code null} when the key is absent (no problem)
     * @param path   the settings' key path, e.g. {@code screening.bots}
     * @return every empty or too short pattern, each at its own key path with a message quoting it
     */
    public static List<ConfigProblem> problems(BotScreeningConfig config, String path) {
        if (config == null) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        patterns(config.userAgents(), path + ".userAgents", problems);
        patterns(config.allow(), path + ".allow", problems);
        return problems;
    }

    private static void patterns(List<String> patterns, String path, List<ConfigProblem> problems) {
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern == null || pattern.isBlank() || pattern.strip().length() < MIN_PATTERN_LENGTH) {
                problems.add(new ConfigProblem(path + "[" + i + "]", ConfigProblem.quote(String.valueOf(pattern))
                        + " is too short to be a user agent pattern (expected at least " + MIN_PATTERN_LENGTH
                        + " characters, matched as a substring without regard to case)"));
            }
        }
    }

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BotScreeningConfig} from {@link #DEFAULT}; {@link #problems} validates it. Not thread-safe. */
    public static final class Builder {
        private ScreeningAction mode = DEFAULT.mode;
        private ScreeningAction emptyUserAgent = DEFAULT.emptyUserAgent;
        private List<String> userAgents = List.of();
        private List<String> allow = List.of();

        private Builder() {
        }

        public Builder mode(ScreeningAction mode) {
            this.mode = mode;
            return this;
        }

        public Builder emptyUserAgent(ScreeningAction action) {
            this.emptyUserAgent = action;
            return this;
        }

        /** Adds scanner patterns to the built-in ones. */
        public Builder userAgents(List<String> patterns) {
            this.userAgents = patterns;
            return this;
        }

        /** Sets the patterns that are never flagged as scanners. */
        public Builder allow(List<String> patterns) {
            this.allow = patterns;
            return this;
        }

        public BotScreeningConfig build() {
            return new BotScreeningConfig(mode, emptyUserAgent, userAgents, allow);
        }
    }
}
