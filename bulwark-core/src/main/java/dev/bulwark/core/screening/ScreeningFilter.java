package dev.bulwark.core.screening;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.iprules.IpLiterals;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Screens every request for abuse signals at {@link Stage#IP_RULES}, before any body is read or any credential
 * checked: a client address on the {@link IpReputationList}, a known scanner's user agent
 * ({@link ScannerUserAgents}), a missing or blank user agent.
 *
 * <p>Each signal is handled as configured ({@link ScreeningAction}): {@code block} refuses with {@code 403}
 * ({@link Reason#IP_REPUTATION_DENIED} or {@link Reason#SCANNER_DETECTED}; the client is told only
 * {@code "request not allowed"}); {@code score} lets the request pass with one event per signal and names the
 * signals to the backend in {@link #SIGNAL_HEADER} ({@code ip-reputation}, {@code scanner-user-agent},
 * {@code empty-user-agent}, comma-separated), so the application can decide. Client copies of that header are
 * always removed first, so a backend never sees a forged one. The reputation list is checked first; a blocked
 * request stops at the first signal that blocks it.
 *
 * <p>Built to share it, it leaves what the scanner list said of the request's {@code User-Agent} in
 * {@link #SCANNER_MATCH}, so a later filter that asks the same question (the suspicious-session watch) does not
 * match the user agent again.
 *
 * <p>One filter serves every route. In the chain that also answers the built-in endpoints, paths under the
 * exempt prefix pass unscreened, so health checks and metrics scrapes never depend on it. Thread-safe.
 */
public final class ScreeningFilter implements SecurityFilter {

    /** The {@code source} of this filter's security events. */
    public static final String SOURCE = "screening";
    /** The header naming the signals of a scored request to the backend. */
    public static final String SIGNAL_HEADER = "X-Bulwark-Screening";
    /** The only detail clients see, so a refusal does not say which signal gave it away. */
    static final String PUBLIC_DETAIL = "request not allowed";

    /**
     * What the scanner list said of the request's {@code User-Agent}: the pattern it matched, or empty when it is
     * not a scanner's (or is allowed). Set only by a filter built to share it, and only when it matched the user
     * agent: scanner screening is on ({@code screening.bots.mode} is not {@code off}) and the request has exactly
     * one non-blank {@code User-Agent}. Absent otherwise, so a reader that finds nothing matches the user agent
     * itself. Several {@code User-Agent} fields are screened joined, which is not what a reader matching each value
     * finds, so that result is not shared.
     */
    public static final AttributeKey<Optional<String>> SCANNER_MATCH = AttributeKey.named("scannerUserAgentMatch");

    private final ScreeningAction scannerAction;
    private final ScreeningAction emptyAction;
    private final ScannerUserAgents scanners;
    private final IpReputationList reputation;
    private final ScreeningAction reputationAction;
    private final String exemptPrefix;
    private final boolean sharesScannerMatch;

    /**
     * A filter that does not share its scanner match ({@link #SCANNER_MATCH}).
     *
     * @param config       the {@code screening} section; its problems must have been reported already
     * @param reputation   the loaded reputation list; {@code null} when {@code ipReputation} is not configured
     * @param exemptPrefix requests whose path starts with it pass unscreened; {@code null} for none
     */
    public ScreeningFilter(ScreeningConfig config, IpReputationList reputation, String exemptPrefix) {
        this(config, reputation, exemptPrefix, false);
    }

    /**
     * @param config             the {@code screening} section; its problems must have been reported already
     * @param reputation         the loaded reputation list; {@code null} when {@code ipReputation} is not configured
     * @param exemptPrefix       requests whose path starts with it pass unscreened; {@code null} for none
     * @param sharesScannerMatch whether to leave {@link #SCANNER_MATCH} for a later filter; without a reader, it
     *                           would only cost each request an attribute
     */
    public ScreeningFilter(ScreeningConfig config, IpReputationList reputation, String exemptPrefix,
                           boolean sharesScannerMatch) {
        Objects.requireNonNull(config, "config");
        BotScreeningConfig bots = config.bots();
        this.scannerAction = bots == null ? ScreeningAction.OFF : bots.mode();
        this.emptyAction = bots == null ? ScreeningAction.OFF : bots.emptyUserAgent();
        this.scanners = bots == null ? null : new ScannerUserAgents(bots.userAgents(), bots.allow());
        this.reputation = reputation;
        this.reputationAction = reputation == null || config.ipReputation() == null
                ? ScreeningAction.OFF : config.ipReputation().mode();
        this.exemptPrefix = exemptPrefix;
        this.sharesScannerMatch = sharesScannerMatch;
    }

    @Override
    public Stage stage() {
        return Stage.IP_RULES;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        exchange.requestHeaders().remove(SIGNAL_HEADER);
        if (exemptPrefix != null && exchange.path().startsWith(exemptPrefix)) {
            return chain.proceed(exchange);
        }
        StringBuilder signals = null;
        if (reputationAction != ScreeningAction.OFF
                && reputation.contains(IpLiterals.parseClient(exchange.clientIp()))) {
            if (reputationAction == ScreeningAction.BLOCK) {
                return refuse(exchange, Reason.IP_REPUTATION_DENIED,
                        "client address is on the ip reputation list " + reputation.file().getFileName());
            }
            exchange.emit(Reason.IP_REPUTATION_DENIED, SOURCE,
                    "client address is on the ip reputation list; passed with " + SIGNAL_HEADER);
            signals = new StringBuilder("ip-reputation");
        }
        List<String> agents = exchange.requestHeaders().getAll("User-Agent");
        String userAgent = agents.isEmpty() ? "" : agents.size() == 1 ? agents.getFirst() : String.join(" ", agents);
        String signal = null;
        if (userAgent.isBlank()) {
            if (emptyAction == ScreeningAction.BLOCK) {
                return refuse(exchange, Reason.SCANNER_DETECTED, "request has no user agent");
            }
            if (emptyAction == ScreeningAction.SCORE) {
                exchange.emit(Reason.SCANNER_DETECTED, SOURCE, "request has no user agent; passed with "
                        + SIGNAL_HEADER);
                signal = "empty-user-agent";
            }
        } else if (scannerAction != ScreeningAction.OFF) {
            String pattern = scanners.match(userAgent);
            if (sharesScannerMatch && agents.size() == 1) {
                exchange.attribute(SCANNER_MATCH, Optional.ofNullable(pattern));
            }
            if (pattern != null) {
                String detail = "user agent matches the scanner pattern \"" + pattern + "\"";
                if (scannerAction == ScreeningAction.BLOCK) {
                    return refuse(exchange, Reason.SCANNER_DETECTED, detail);
                }
                exchange.emit(Reason.SCANNER_DETECTED, SOURCE, detail + "; passed with " + SIGNAL_HEADER);
                signal = "scanner-user-agent";
            }
        }
        if (signal != null) {
            signals = signals == null ? new StringBuilder(signal) : signals.append(", ").append(signal);
        }
        if (signals != null) {
            exchange.requestHeaders().set(SIGNAL_HEADER, signals.toString());
        }
        return chain.proceed(exchange);
    }

    private static CompletionStage<Response> refuse(Exchange exchange, Reason reason, String detail) {
        exchange.emit(reason, SOURCE, detail);
        return CompletableFuture.completedFuture(
                Response.problem(Problem.of(reason, PUBLIC_DETAIL, exchange.requestId())));
    }
}
