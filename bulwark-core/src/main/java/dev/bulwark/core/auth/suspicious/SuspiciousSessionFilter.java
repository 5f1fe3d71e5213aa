package dev.bulwark.core.auth.suspicious;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.ratelimit.KeySource;
import dev.bulwark.core.screening.ScreeningFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Watches signed-in sessions for signs that someone else is using them ({@link SuspiciousSessionConfig}): a user
 * at too many client addresses at once, a session hopping between addresses, an attack tool's user agent. Each
 * sign is a {@link Reason#SUSPICIOUS_SESSION} event naming the rule, the user and the session; a rule whose action
 * is {@code revoke} also ends the session (on every node, through the revocation feed) and refuses the request
 * with a 401 problem of that type, without a second event.
 *
 * <p>Runs right after authentication, on sessions of Bulwark's own logins and of external issuers' tokens that
 * carry a session id; API keys (machine clients, often at many addresses) and tokens without a session are not
 * watched. Built once per route, sharing one {@link SessionActivity}; thread-safe.
 *
 * <p>The user agent is matched once per request: when bot screening has already matched it
 * ({@link ScreeningFilter#SCANNER_MATCH}), that answer is used and {@code scannerAgent} is not asked; otherwise
 * (screening off, or not matching user agents, or several {@code User-Agent} fields) each value is asked about.
 * The two must therefore agree: the route compiler builds both from {@code screening.bots}.
 */
public final class SuspiciousSessionFilter implements SecurityFilter {

    private static final Logger LOG = LoggerFactory.getLogger(SuspiciousSessionFilter.class);
    private static final String SOURCE = "suspicious-session";

    private final SessionActivity activity;
    private final SuspiciousSessionConfig.Action scannerAgents;
    private final Predicate<String> scannerAgent;
    private final Function<String, CompletionStage<?>> endSession;
    private final KeySource address = KeySource.parse(KeySource.IP);

    /**
     * @param config       the rules
     * @param activity     this node's record of addresses, shared by every route
     * @param scannerAgent whether a {@code User-Agent} value is a known scanner's; must answer as bot screening's
     *                     list does, whose answer is used instead when the request has one
     * @param endSession   ends a session by id everywhere (logout)
     */
    public SuspiciousSessionFilter(SuspiciousSessionConfig config, SessionActivity activity,
                                   Predicate<String> scannerAgent, Function<String, CompletionStage<?>> endSession) {
        this.activity = Objects.requireNonNull(activity, "activity");
        this.scannerAgents = config.scannerAgents();
        this.scannerAgent = Objects.requireNonNull(scannerAgent, "scannerAgent");
        this.endSession = Objects.requireNonNull(endSession, "endSession");
    }

    @Override
    public Stage stage() {
        return Stage.AUTHENTICATION;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        if (principal == null || principal.sessionId() == null || principal.method() == Principal.Method.API_KEY) {
            return chain.proceed(exchange);
        }
        List<SessionActivity.Finding> findings = activity.observe(principal.userId(), principal.sessionId(),
                address.value(exchange), exchange.clock().millis());
        SessionActivity.Finding scanner = scannerFinding(exchange, principal);
        if (findings.isEmpty() && scanner == null) {
            return chain.proceed(exchange);
        }
        boolean revoke = scanner != null && scanner.action() == SuspiciousSessionConfig.Action.REVOKE;
        for (SessionActivity.Finding finding : findings) {
            revoke |= finding.action() == SuspiciousSessionConfig.Action.REVOKE;
            emit(exchange, principal, finding);
        }
        if (scanner != null) {
            emit(exchange, principal, scanner);
        }
        if (!revoke) {
            return chain.proceed(exchange);
        }
        String sessionId = principal.sessionId();
        return endSession.apply(sessionId).handle((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("could not end suspicious session {}: {}", sessionId, failure.toString());
            }
            Response refusal = Response.problem(Problem.of(Reason.SUSPICIOUS_SESSION,
                    "the session was ended; sign in again", exchange.requestId()));
            refusal.headers().set("WWW-Authenticate", "Bearer realm=\"bulwark\", error=\"invalid_token\"");
            return refusal;
        });
    }

    private SessionActivity.Finding scannerFinding(Exchange exchange, Principal principal) {
        if (scannerAgents == null) {
            return null;
        }
        if (!isScanner(exchange)) {
            return null;
        }
        return new SessionActivity.Finding("scannerAgents", scannerAgents, "session " + principal.sessionId()
                + " used by a scanner's user agent");
    }

    private boolean isScanner(Exchange exchange) {
        Optional<String> screened = exchange.attribute(ScreeningFilter.SCANNER_MATCH);
        if (screened != null) {
            return screened.isPresent();
        }
        boolean scanner = false;
        for (String agent : exchange.requestHeaders().getAll("User-Agent")) {
            scanner |= scannerAgent.test(agent);
        }
        return scanner;
    }

    private static void emit(Exchange exchange, Principal principal, SessionActivity.Finding finding) {
        exchange.emit(Reason.SUSPICIOUS_SESSION, SOURCE, finding.rule() + " (" + finding.action().name()
                .toLowerCase(Locale.ROOT) + "): " + finding.detail() + ", user " + principal.userId());
    }
}
