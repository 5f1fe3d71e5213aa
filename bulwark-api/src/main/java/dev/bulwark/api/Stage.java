package dev.bulwark.api;

import java.util.Set;

/**
 * The fixed order in which security filters run; the one place that knows it.
 *
 * <pre>
 *   client request                                   response to client
 *        │                                                  ▲
 *        ▼                                                  │
 *   REQUEST_ID ─── assigns/validates X-Request-Id ─────── echoes it
 *   EDGE ───────── host allowlist, header limits ──────── security headers, strips Server/X-Powered-By
 *   CORS ───────── preflight answered here ────────────── Access-Control-* on allowed origins
 *   IP_RULES ───── allow/deny CIDRs; abuse screening (scanner user agents, IP reputation list)
 *   BODY_LIMIT ─── declared length checked, streaming limit set
 *   RATE_LIMIT ─── 429 before any expensive work ──────── RateLimit headers
 *                  then injection screening (waf), which may read the body
 *   AUTHENTICATION who is calling (token, cookie, API key)
 *   TENANT ─────── which tenant the request acts for: sources agree, caller belongs, tenant active
 *   AUTHORIZATION  roles and permissions
 *   IDENTIFIED_RATE_LIMIT  limits keyed by user, tenant, API key or claim ─ RateLimit headers
 *   IDENTITY ───── verified identity headers and signed token (client copies stripped at EDGE)
 *   WEBHOOK ────── signatures, replay windows, idempotency
 *   AUDIT ──────── records the decision ───────────────── records the outcome
 *   UPSTREAM ───── the proxy call itself (terminal) ────── upstream response head
 * </pre>
 *
 * <p>A filter at a stage sees the request after every earlier stage accepted it, and sees the response
 * before every earlier stage post-processes it. Several filters may share a stage; they keep the order in
 * which they were configured.
 */
public enum Stage {
    REQUEST_ID,
    EDGE,
    CORS,
    IP_RULES,
    BODY_LIMIT,
    RATE_LIMIT,
    AUTHENTICATION,
    TENANT,
    AUTHORIZATION,
    IDENTIFIED_RATE_LIMIT,
    IDENTITY,
    WEBHOOK,
    AUDIT,
    UPSTREAM;

    /**
     * Stages that must be present in a chain for this stage to make sense: a chain holding this stage
     * but not all of these is rejected at startup, naming the route.
     *
     * @return the stages this one depends on; empty when it stands alone
     */
    public Set<Stage> requires() {
        return switch (this) {
            case TENANT, AUTHORIZATION -> Set.of(AUTHENTICATION);
            default -> Set.of();
        };
    }
}
