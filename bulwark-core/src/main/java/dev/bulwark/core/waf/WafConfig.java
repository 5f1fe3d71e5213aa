package dev.bulwark.core.waf;

import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A route's {@code waf} settings, as configured: which injection checks run on which parts of the request, what
 * happens on a detection, and which parameters are left alone.
 *
 * <p>Exclusions name one parameter of one target: {@code query:q}, {@code header:Referer}, {@code path} (the whole
 * path), {@code body:comment} (a form or multipart field) or {@code body:$.items[*].description} (a JSON value:
 * {@code $}, then {@code .key} per object level and {@code [*]} per array level). Names are compared without regard
 * to case for headers and exactly otherwise. Lists are kept as given, including {@code null} entries so
 * {@link #problems} can report them. Immutable.
 *
 * @param enabled            {@code false} only for {@link #OFF} ({@code waf: false}, switching off an inherited one)
 * @param mode               {@link Mode#BLOCK} refuses a detection, {@link Mode#LOG} only reports it
 * @param checks             the detectors that run; never empty
 * @param targets            the parts of the request inspected; never empty
 * @param exclude            parameters never inspected
 * @param maxBodyInspection       the largest JSON or form body inspected, in bytes
 * @param maxMultipartInspection  the largest multipart body inspected, in bytes: larger than
 *                                {@code maxBodyInspection} by default, since a form with a file attached is bigger
 *                                than its fields, while only the fields and filenames are inspected
 * @param oversizedBody           what happens to a body larger than its bound
 */
public record WafConfig(boolean enabled, Mode mode, Set<Check> checks, Set<Target> targets, List<String> exclude,
                        long maxBodyInspection, long maxMultipartInspection, OversizedBody oversizedBody) {

    /** What a detection does. */
    public enum Mode {
        /** Refuse with {@code 403} and an event. */
        BLOCK,
        /** Emit an event and let the request pass: for tuning exclusions before blocking. */
        LOG
    }

    /** One detector. */
    public enum Check {
        SQLI("sqli"), XSS("xss"), TRAVERSAL("traversal"), COMMAND_INJECTION("commandInjection");

        private final String key;

        Check(String key) {
            this.key = key;
        }

        /** @return the name used in configuration and events, e.g. {@code commandInjection} */
        public String key() {
            return key;
        }
    }

    /** One part of the request; configured by its lower-case name ({@code path}, {@code headers}…). */
    public enum Target {
        PATH, QUERY, HEADERS, BODY
    }

    /** What happens to a body larger than its bound ({@code maxBodyInspection} or {@code maxMultipartInspection}). */
    public enum OversizedBody {
        /** Refuse it with {@code 413} in block mode (a body nobody inspected never reaches the backend). */
        BLOCK,
        /** Forward it uninspected. */
        PASS
    }

    /** 64 KiB: larger than nearly every form and API request, small enough to inspect in tens of microseconds. */
    public static final long DEFAULT_MAX_BODY_INSPECTION = 64 * 1024;

    /**
     * 1 MiB, the default body limit of a route's non-JSON requests: a form with an attachment that a route accepts
     * by default is inspected by default, not refused (the whole body is held in memory while it is inspected).
     */
    public static final long DEFAULT_MAX_MULTIPART_INSPECTION = 1024 * 1024;
    /** The largest bound either size may be given: what one request may hold in memory while inspected. */
    private static final long MAX_INSPECTION = 16L * 1024 * 1024;

    /** Every check on every target, blocking, JSON and form bodies up to 64 KiB, multipart ones up to 1 MiB. */
    public static final WafConfig DEFAULT = new WafConfig(true, Mode.BLOCK, EnumSet.allOf(Check.class),
            EnumSet.allOf(Target.class), List.of(), DEFAULT_MAX_BODY_INSPECTION, DEFAULT_MAX_MULTIPART_INSPECTION,
            OversizedBody.BLOCK);

    /** {@code waf: false}: no screening, whatever an earlier policy said. */
    public static final WafConfig OFF = new WafConfig(false, Mode.LOG, EnumSet.allOf(Check.class),
            EnumSet.allOf(Target.class), List.of(), DEFAULT_MAX_BODY_INSPECTION, DEFAULT_MAX_MULTIPART_INSPECTION,
            OversizedBody.PASS);

    public WafConfig {
        mode = mode == null ? Mode.BLOCK : mode;
        checks = checks == null ? DEFAULT.checks : Collections.unmodifiableSet(copy(checks, Check.class));
        targets = targets == null ? DEFAULT.targets : Collections.unmodifiableSet(copy(targets, Target.class));
        exclude = exclude == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(exclude));
        oversizedBody = oversizedBody == null ? OversizedBody.BLOCK : oversizedBody;
    }

    private static <E extends Enum<E>> Set<E> copy(Set<E> values, Class<E> type) {
        return values.isEmpty() ? EnumSet.noneOf(type) : EnumSet.copyOf(values);
    }

    /**
     * Checks the settings as configured.
     *
     * @param config the settings; {@code null} when the key is absent (no problem)
     * @param path   the settings' key path, e.g. {@code routes[2].waf}
     * @return every problem found, each at its own key path with a message quoting the value
     */
    public static List<ConfigProblem> problems(WafConfig config, String path) {
        if (config == null || !config.enabled()) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        if (config.checks().isEmpty()) {
            problems.add(new ConfigProblem(path + ".checks", "is empty (expected some of sqli, xss, traversal,"
                    + " commandInjection; write waf: false to switch the waf off)"));
        }
        if (config.targets().isEmpty()) {
            problems.add(new ConfigProblem(path + ".targets", "is empty (expected some of path, query, headers,"
                    + " body; write waf: false to switch the waf off)"));
        }
        sizeProblem(problems, path + ".maxBodyInspection", config.maxBodyInspection());
        sizeProblem(problems, path + ".maxMultipartInspection", config.maxMultipartInspection());
        for (int i = 0; i < config.exclude().size(); i++) {
            String problem = Exclusions.problem(config.exclude().get(i));
            if (problem != null) {
                problems.add(new ConfigProblem(path + ".exclude[" + i + "]", problem));
            }
        }
        return problems;
    }

    private static void sizeProblem(List<ConfigProblem> problems, String path, long bytes) {
        if (bytes < 1024 || bytes > MAX_INSPECTION) {
            problems.add(new ConfigProblem(path, bytes + " bytes is out of range (expected 1KB to 16MB)"));
        }
    }

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link WafConfig} from {@link #DEFAULT}; {@link #problems} validates it. Not thread-safe. */
    public static final class Builder {
        private Mode mode = DEFAULT.mode;
        private Set<Check> checks = DEFAULT.checks;
        private Set<Target> targets = DEFAULT.targets;
        private List<String> exclude = List.of();
        private long maxBodyInspection = DEFAULT.maxBodyInspection;
        private long maxMultipartInspection = DEFAULT.maxMultipartInspection;
        private OversizedBody oversizedBody = DEFAULT.oversizedBody;

        private Builder() {
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder checks(Set<Check> checks) {
            this.checks = checks;
            return this;
        }

        public Builder targets(Set<Target> targets) {
            this.targets = targets;
            return this;
        }

        /** Sets the parameters never inspected, e.g. {@code "query:q", "body:$.description"}. */
        public Builder exclude(List<String> exclude) {
            this.exclude = exclude;
            return this;
        }

        public Builder exclude(String... exclude) {
            return exclude(List.of(exclude));
        }

        public Builder maxBodyInspection(long bytes) {
            this.maxBodyInspection = bytes;
            return this;
        }

        public Builder maxMultipartInspection(long bytes) {
            this.maxMultipartInspection = bytes;
            return this;
        }

        public Builder oversizedBody(OversizedBody oversizedBody) {
            this.oversizedBody = oversizedBody;
            return this;
        }

        public WafConfig build() {
            return new WafConfig(true, mode, checks, targets, exclude, maxBodyInspection, maxMultipartInspection,
                    oversizedBody);
        }
    }
}
