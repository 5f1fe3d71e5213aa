package dev.bulwark.core.screening;

import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * The top-level {@code screening} section: bot and scanner screening by user agent, and a client-address
 * reputation list. It applies to every route, the auth endpoints and the admin API, never to the built-in health
 * and metrics endpoints ({@link ScreeningFilter}).
 *
 * @param bots         user-agent screening; {@code null} when the key is absent (off)
 * @param ipReputation the reputation list; {@code null} when the key is absent (off)
 */
public record ScreeningConfig(BotScreeningConfig bots, IpReputationConfig ipReputation) {

    /** Screening that does nothing: no bot screening, no reputation list. */
    public static final ScreeningConfig OFF = new ScreeningConfig(null, null);

    /** @return whether neither part is configured, so no filter is needed */
    public boolean isOff() {
        boolean botsOff = bots == null
                || (bots.mode() == ScreeningAction.OFF && bots.emptyUserAgent() == ScreeningAction.OFF);
        boolean reputationOff = ipReputation == null || ipReputation.mode() == ScreeningAction.OFF;
        return botsOff && reputationOff;
    }

    /**
     * Checks the section as configured, without reading the reputation file.
     *
     * @param path the section's key path, {@code screening}
     * @return every problem found, each at its own key path
     */
    public List<ConfigProblem> problems(String path) {
        List<ConfigProblem> problems = new ArrayList<>(BotScreeningConfig.problems(bots, path + ".bots"));
        problems.addAll(IpReputationConfig.problems(ipReputation, path + ".ipReputation"));
        return problems;
    }
}
