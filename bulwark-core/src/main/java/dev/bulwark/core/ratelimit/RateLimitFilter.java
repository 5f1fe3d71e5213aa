package dev.bulwark.core.ratelimit;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.api.store.RateLimitDecision;
import dev.bulwark.api.store.RateLimitStore;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Applies a route's rate-limit tiers before any expensive work: tiers are checked in the configured order and
 * all of them must allow a request. The first refusal stops the walk, so list narrow tiers (per client) before
 * broad ones (per route): a client refused by its own tier then never uses up a budget shared with others.
 *
 * <p>A refused request gets a 429 problem with {@code Retry-After} and one {@link Reason#RATE_LIMITED} event;
 * it never reaches later filters or the upstream. Every response of the route, refused or not, carries
 * {@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers, one item per tier
 * checked) and the legacy {@code X-RateLimit-Limit/Remaining/Reset} of the refusing tier, or else of the tier
 * with the fewest requests remaining ({@code Reset} in epoch seconds, the GitHub convention). Headers of the
 * same names from the upstream are replaced.
 *
 * <p>When the store cannot decide for a tier (its stage fails or it throws), the tier's
 * {@link OnStoreFailure} applies: {@code DENY} refuses with 503 and a
 * {@link Reason#RATE_LIMIT_STORE_UNAVAILABLE} event, {@code ALLOW} skips the tier and still emits that event,
 * so metrics show it.
 *
 * <p>The in-memory store is asked directly, without a stage per tier; other stores through their stages. Built
 * once per route; stateless and thread-safe. Time comes from the exchange's clock.
 */
public final class RateLimitFilter implements SecurityFilter {

    private static final String SOURCE = "rate-limit";

    private final RateLimitTier[] tiers;
    private final RateLimitStore store;
    /** The store when it is the in-memory one, whose decisions are taken without stages; else {@code null}. */
    private final InMemoryRateLimitStore memory;
    private final RateLimitFields fields;
    private final Stage stage;

    /**
     * @param tiers the tiers that apply, in the order they are checked (narrow ones first)
     * @param store where the counts live
     * @throws IllegalArgumentException when {@code tiers} is empty or names one tier twice
     */
    public RateLimitFilter(List<RateLimitTier> tiers, RateLimitStore store) {
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("rate limit filter needs at least one tier");
        }
        if (tiers.stream().map(RateLimitTier::name).distinct().count() != tiers.size()) {
            throw new IllegalArgumentException("rate limit tiers must be distinct: "
                    + tiers.stream().map(RateLimitTier::name).toList());
        }
        this.tiers = tiers.toArray(RateLimitTier[]::new);
        this.store = Objects.requireNonNull(store, "store");
        this.memory = store instanceof InMemoryRateLimitStore inMemory ? inMemory : null;
        this.fields = new RateLimitFields(tiers);
        this.stage = tiers.stream().anyMatch(RateLimitTier::needsIdentity) ? Stage.IDENTIFIED_RATE_LIMIT
                : Stage.RATE_LIMIT;
    }

    /**
     * @return {@link Stage#RATE_LIMIT}, before authentication, when every tier keys on what the request itself
     *     carries (IP, route, headers); {@link Stage#IDENTIFIED_RATE_LIMIT}, after authentication, when a tier
     *     keys on the user, tenant, API key or a claim, which are unknown before it
     */
    @Override
    public Stage stage() {
        return stage;
    }

    /** @return the tiers this filter applies */
    public List<RateLimitTier> tiers() {
        return List.of(tiers);
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        long now = exchange.clock().millis();
        RateLimitDecision[] decisions = new RateLimitDecision[tiers.length];
        if (memory == null) {
            return check(exchange, chain, now, decisions, 0);
        }
        for (int i = 0; i < tiers.length; i++) {
            Response refusal = record(exchange, i, decideInMemory(tiers[i], exchange, now), decisions, now);
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
        }
        return proceed(exchange, chain, decisions, now);
    }

    /**
     * Checks tier {@code index} and, when it allows, the next one, through the store's stages. Tiers are checked
     * in order and the first refusal stops the walk, so a client refused by a narrow tier does not use up a broad
     * one shared with everybody else.
     */
    private CompletionStage<Response> check(Exchange exchange, Chain chain, long now, RateLimitDecision[] decisions,
                                            int index) {
        if (index == tiers.length) {
            return proceed(exchange, chain, decisions, now);
        }
        return acquire(tiers[index], exchange, now).thenCompose(decision -> {
            Response refusal = record(exchange, index, decision, decisions, now);
            return refusal != null ? CompletableFuture.completedFuture(refusal)
                    : check(exchange, chain, now, decisions, index + 1);
        });
    }

    /** Passes the request on, then writes the rate-limit fields into its response. */
    private CompletionStage<Response> proceed(Exchange exchange, Chain chain, RateLimitDecision[] decisions,
                                              long now) {
        return chain.proceed(exchange).thenApply(response -> {
            fields.write(response.headers(), decisions, -1, now);
            return response;
        });
    }

    /**
     * Records tier {@code index}'s decision.
     *
     * @param decision the store's decision, or {@code null} when it could not decide
     * @return the refusal the decision calls for, or {@code null} to go on to the next tier
     */
    private Response record(Exchange exchange, int index, RateLimitDecision decision, RateLimitDecision[] decisions,
                            long now) {
        RateLimitTier tier = tiers[index];
        if (decision == null) {
            if (tier.onStoreFailure() == OnStoreFailure.DENY) {
                Response refusal = exchange.refuse(Reason.RATE_LIMIT_STORE_UNAVAILABLE, SOURCE,
                        "rate limit \"" + tier.name() + "\" cannot be checked right now");
                fields.write(refusal.headers(), decisions, -1, now);
                return refusal;
            }
            exchange.emit(Reason.RATE_LIMIT_STORE_UNAVAILABLE, SOURCE, "rate limit \"" + tier.name()
                    + "\" not checked: store unavailable, allowed by onStoreFailure: allow");
            return null;
        }
        decisions[index] = decision;
        if (decision.allowed()) {
            return null;
        }
        long retryAfter = RateLimitFields.seconds(decision.retryAfterMillis());
        Response refusal = exchange.refuse(Reason.RATE_LIMITED, SOURCE, "rate limit \"" + tier.name()
                + "\" exceeded; retry after " + retryAfter + "s");
        refusal.headers().set("Retry-After", Long.toString(retryAfter));
        fields.write(refusal.headers(), decisions, index, now);
        return refusal;
    }

    /** @return the in-memory store's decision for the tier, or {@code null} when it threw */
    private RateLimitDecision decideInMemory(RateLimitTier tier, Exchange exchange, long now) {
        try {
            return memory.decide(tier.key(exchange), tier.rule(), now, 1);
        } catch (RuntimeException storeFailure) {
            return null;
        }
    }

    /** @return the tier's decision, or {@code null} when the store could not decide */
    private CompletionStage<RateLimitDecision> acquire(RateLimitTier tier, Exchange exchange, long now) {
        CompletionStage<RateLimitDecision> stage;
        try {
            stage = store.acquire(tier.key(exchange), tier.rule(), now, 1);
        } catch (RuntimeException storeFailure) {
            return CompletableFuture.completedFuture(null);
        }
        return stage.handle((decision, failure) -> failure == null ? decision : null);
    }
}
