package dev.bulwark.core.auth.suspicious;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code auth.suspiciousSessions} section: signs that a signed-in session is being used by someone else, and
 * what each sign does. A rule set to {@code null} is off.
 *
 * @param concurrentIps  one user seen from more than {@code max} client addresses within {@code window}
 * @param ipChanges      one session moving between client addresses more than {@code max} times within
 *                       {@code window}
 * @param scannerAgents  an authenticated request carrying a known scanner's user agent (sqlmap, nuclei…): a stolen
 *                       token being used by an attack tool
 */
public record SuspiciousSessionConfig(AddressRule concurrentIps, AddressRule ipChanges, Action scannerAgents) {

    /** What a rule does when it fires. */
    public enum Action {
        /** A {@code SUSPICIOUS_SESSION} security event; the request proceeds. */
        LOG,
        /** The event, the session is ended on every node, and the request is refused with 401. */
        REVOKE
    }

    /**
     * A threshold on client addresses.
     *
     * @param max    how many addresses (or changes) are normal within {@code window}; one more fires the rule
     * @param window how far back addresses (or changes) count
     * @param action what firing does
     */
    public record AddressRule(int max, Duration window, Action action) {

        public AddressRule {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(action, "action");
        }
    }

    /**
     * Everything logged, nothing revoked: more than 4 addresses for one user or 6 address changes of one session
     * within 10 minutes, and scanner user agents. A phone moving between Wi-Fi and mobile data changes address a
     * few times; revoking is for deployments that know their users' patterns.
     */
    public static final SuspiciousSessionConfig DEFAULT = new SuspiciousSessionConfig(
            new AddressRule(4, Duration.ofMinutes(10), Action.LOG),
            new AddressRule(6, Duration.ofMinutes(10), Action.LOG),
            Action.LOG);

    /** Every rule off. */
    public static final SuspiciousSessionConfig OFF = new SuspiciousSessionConfig(null, null, null);

    /** @return whether no rule is on */
    public boolean isOff() {
        return concurrentIps == null && ipChanges == null && scannerAgents == null;
    }

    /** @return what is wrong with these values, as (key relative to this section, message) pairs; empty when valid */
    public List<String[]> problems() {
        List<String[]> problems = new ArrayList<>();
        check("concurrentIps", concurrentIps, problems);
        check("ipChanges", ipChanges, problems);
        return problems;
    }

    private static void check(String name, AddressRule rule, List<String[]> problems) {
        if (rule == null) {
            return;
        }
        if (rule.max() < 1 || rule.max() > SessionActivity.MAX_TRACKED - 1) {
            problems.add(new String[] {name + ".max", "must be between 1 and " + (SessionActivity.MAX_TRACKED - 1)
                    + ", was " + rule.max()});
        }
        if (rule.window().compareTo(Duration.ofSeconds(1)) < 0 || rule.window().compareTo(Duration.ofDays(1)) > 0) {
            problems.add(new String[] {name + ".window", "must be between 1s and 1d, was " + rule.window()});
        }
    }
}
