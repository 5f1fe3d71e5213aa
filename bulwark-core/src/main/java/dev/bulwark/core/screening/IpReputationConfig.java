package dev.bulwark.core.screening;

import dev.bulwark.core.config.ConfigProblem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code screening.ipReputation} settings, as configured: a deny list of client addresses kept in a file
 * (one IP or CIDR per line, see {@link IpReputationList}) and reloaded when it changes.
 *
 * @param file           the list; relative paths resolve against the configuration file's folder
 * @param reloadInterval how often the file's modification time and size are checked; {@code null} means
 *                       {@link #DEFAULT_RELOAD_INTERVAL}
 * @param mode           {@link ScreeningAction#BLOCK} refuses listed clients, {@link ScreeningAction#SCORE} flags
 *                       them to the backend, {@link ScreeningAction#OFF} ignores the list; {@code null} means block
 */
public record IpReputationConfig(Path file, Duration reloadInterval, ScreeningAction mode) {

    /** Often enough that a feed update applies within a minute, rarely enough to cost nothing. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);
    /** Checking more often than this buys nothing but file-system calls. */
    static final Duration MIN_RELOAD_INTERVAL = Duration.ofSeconds(1);

    public IpReputationConfig {
        reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
        mode = mode == null ? ScreeningAction.BLOCK : mode;
    }

    /**
     * Checks the settings as configured, without reading the file ({@link IpReputationList#load} does that).
     *
     * @param config the settings; {@code null} when the key is absent (no problem)
     * @param path   the settings' key path, e.g. {@code screening.ipReputation}
     * @return every problem found, each at its own key path
     */
    public static List<ConfigProblem> problems(IpReputationConfig config, String path) {
        if (config == null) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        if (config.file() == null) {
            problems.add(new ConfigProblem(path + ".file", "is required (expected the path of a file with one IP"
                    + " address or CIDR per line)"));
        }
        if (config.reloadInterval().compareTo(MIN_RELOAD_INTERVAL) < 0) {
            problems.add(new ConfigProblem(path + ".reloadInterval", config.reloadInterval().toMillis()
                    + "ms is too short (expected at least 1s)"));
        }
        return problems;
    }
}
