package dev.bulwark.core.auth.external;

import dev.bulwark.core.auth.token.JwsProviders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The current signature keys of one external issuer: fixed ones from the configuration, or ones fetched from its
 * JWKS URL and kept fresh.
 *
 * <p><b>Fetching.</b> A plain {@code GET} with {@link java.net.http.HttpClient} (connect timeout 2 s, request
 * timeout 5 s, redirects not followed); the answer must be {@code 200} with a JSON content type
 * ({@code application/json}, {@code application/jwk-set+json} or any {@code +json}), at most 512 KiB (larger
 * bodies are cut off while streaming), and a JWK set with at least one usable key (see {@code JwksKeys}: use
 * {@code sig}, algorithm accepted by the config and pinned to the key's {@code alg}/{@code kty}). Anything else is
 * a failed fetch.
 *
 * <p><b>When.</b> Nothing runs on a timer of its own: every lookup calls {@link #refreshIfDue()}, which starts a
 * background fetch once the keys are due (after {@code Cache-Control: max-age} clamped to 1 minute..24 hours, or
 * {@code refreshInterval} without it) and returns at once. A host that wants idle issuers refreshed too calls
 * {@link #refreshIfDue()} periodically (say every minute); {@link #refresh()} fetches now, e.g. at boot. A token
 * with a kid not in the cache triggers a fetch through {@link #requestRefetchForUnknownKid()}, at most once per
 * {@code minRefetchInterval} (scheduled fetches do not count against it); concurrent requests share the fetch in
 * flight. Time is read from the injected {@link Clock} only, so tests move a fake clock and wait on the fetch's
 * future instead of sleeping.
 *
 * <p><b>Outages.</b> A failed fetch never drops the keys in hand: they keep verifying until a later fetch
 * succeeds, however long the outage. The fetch is retried after {@code minRefetchInterval}, doubling per failure
 * up to {@code refreshInterval}. One warning is logged per streak of failures (issuer, URL and the kind of
 * failure, never a body or key), and one line when fetching recovers.
 *
 * <p>Lookups never block on the network and never throw. Thread-safe. {@link #close()} shuts down the HTTP
 * client if this source made it.
 */
public final class JwksSource implements AutoCloseable {

    /** Largest JWKS response read; a real one is a few KiB. */
    public static final int MAX_BODY_BYTES = 512 * 1024;
    /** How long to wait for a TCP (and TLS) connection to the issuer. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long to wait for the whole response. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Shortest {@code max-age} honoured: a provider asking for less is refetched after this. */
    public static final Duration MIN_MAX_AGE = Duration.ofMinutes(1);
    /** Longest {@code max-age} honoured. */
    public static final Duration MAX_MAX_AGE = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);

    private final ExternalIssuerConfig config;
    private final Clock clock;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final JwsProviders providers;

    private volatile JwksKeys keys;
    /** When the next background fetch is due; {@link Instant#MAX} while one is in flight or for static keys. */
    private volatile Instant nextRefreshAt;

    // Guarded by this: touched only when a fetch starts or ends, never on the hot path.
    private CompletableFuture<Boolean> inFlight;
    /** The last fetch started, until {@link #pending()} hands it out. */
    private CompletableFuture<Boolean> unobserved;
    private Instant lastUnknownKidFetchAt;
    private int failureStreak;
    private long fetchCount;

    /**
     * A source for {@code config}'s keys with its own HTTP client and the fastest verification providers.
     *
     * @throws IllegalArgumentException never for a validated config (a static jwks was checked there)
     */
    public JwksSource(ExternalIssuerConfig config, Clock clock) {
        this(config, clock, null, JwsProviders.FASTEST);
    }

    /**
     * @param config    the issuer; a static {@code jwks} is parsed here, a {@code jwksUrl} is not fetched until
     *                  the first lookup or {@link #refresh()}
     * @param clock     the time that decides when keys are due
     * @param http      the client to fetch with, or {@code null} to make one (connect timeout 2 s, no redirects)
     *                  that {@link #close()} shuts down
     * @param providers who verifies each algorithm
     */
    public JwksSource(ExternalIssuerConfig config, Clock clock, HttpClient http, JwsProviders providers) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.providers = Objects.requireNonNull(providers, "providers");
        if (config.jwks() != null) {
            JwksKeys fixed = JwksKeys.parse(config.jwks(), config.algorithms(), true, providers);
            if (fixed == null || fixed.isEmpty()) {
                throw new IllegalArgumentException("jwks of external issuer has no usable signing key: "
                        + config.issuer());
            }
            this.keys = fixed;
            this.nextRefreshAt = Instant.MAX;
            this.http = null;
            this.ownsHttp = false;
        } else {
            this.keys = JwksKeys.EMPTY;
            this.nextRefreshAt = Instant.MIN;
            this.ownsHttp = http == null;
            this.http = http != null ? http : HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
    }

    /** @return the issuer these keys belong to */
    public String issuer() {
        return config.issuer();
    }

    /** @return how many keys can verify now (0 before the first successful fetch) */
    public int keyCount() {
        return keys.size();
    }

    /** @return how many fetches have been started (for metrics and tests) */
    public synchronized long fetchCount() {
        return fetchCount;
    }

    /**
     * Finds the pinned key for {@code kid} in the cache (for a token without kid: the only key, if there is one),
     * first starting a background refresh if one is due. Never blocks, never throws.
     */
    Optional<JwksKeys.Pinned> find(String kid) {
        refreshIfDue();
        return keys.find(kid);
    }

    /** Starts a background fetch if the keys are due for one and none is in flight; returns at once. */
    public void refreshIfDue() {
        if (clock.instant().isBefore(nextRefreshAt)) {
            return;
        }
        synchronized (this) {
            if (inFlight == null && !clock.instant().isBefore(nextRefreshAt)) {
                startFetch();
            }
        }
    }

    /**
     * Fetches now (or joins the fetch in flight), whatever the schedule and rate limit say: for boot and for
     * operators. Static keys are never fetched.
     *
     * @return completes, never exceptionally, with whether a new key set was installed
     */
    public CompletableFuture<Boolean> refresh() {
        if (http == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (this) {
            // A copy: a caller cancelling or completing its future must not touch the fetch others wait on.
            return (inFlight != null ? inFlight : startFetch()).copy();
        }
    }

    /**
     * Asks for a fetch because a token named a kid not in the cache: started only if no fetch is in flight
     * (otherwise that one is shared) and {@code minRefetchInterval} has passed since the last fetch asked for this
     * way. Returns at once; the token that asked is refused and its retry finds the new key.
     */
    void requestRefetchForUnknownKid() {
        if (http == null) {
            return;
        }
        synchronized (this) {
            if (inFlight != null) {
                return;
            }
            Instant now = clock.instant();
            if (lastUnknownKidFetchAt != null
                    && now.isBefore(lastUnknownKidFetchAt.plus(config.minRefetchInterval()))) {
                return;
            }
            lastUnknownKidFetchAt = now;
            startFetch();
        }
    }

    /**
     * For tests: the fetch in flight, else the last fetch if it finished since the previous call (a fetch may
     * finish before the caller asks), else a completed {@code false}.
     */
    synchronized CompletableFuture<Boolean> pending() {
        CompletableFuture<Boolean> fetch = inFlight != null ? inFlight : unobserved;
        unobserved = null;
        return fetch != null ? fetch : CompletableFuture.completedFuture(false);
    }

    /** Shuts the HTTP client down if this source made it; cached keys stay usable. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.shutdownNow();
        }
    }

    /** Must hold the lock. */
    private CompletableFuture<Boolean> startFetch() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        inFlight = done;
        unobserved = done;
        nextRefreshAt = Instant.MAX;
        fetchCount++;
        CompletableFuture<HttpResponse<Fetched>> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(config.jwksUrl())
                    .timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/jwk-set+json, application/json")
                    .GET()
                    .build();
            response = http.sendAsync(request, info -> new BoundedJsonBody(info));
        } catch (RuntimeException refused) {
            response = CompletableFuture.failedFuture(refused);
        }
        response.whenComplete((answer, failure) -> finish(done, answer, failure));
        return done;
    }

    private void finish(CompletableFuture<Boolean> done, HttpResponse<Fetched> answer, Throwable failure) {
        String problem = null;
        JwksKeys fetched = null;
        OptionalLong maxAge = OptionalLong.empty();
        try {
            if (failure != null) {
                problem = describe(failure);
            } else {
                fetched = JwksKeys.parse(answer.body().json(), config.algorithms(), false, providers);
                maxAge = answer.body().maxAge();
                if (fetched == null) {
                    problem = "response is not a jwk set";
                } else if (fetched.isEmpty()) {
                    problem = "jwk set has no usable signing key for " + config.algorithms();
                }
            }
        } catch (RuntimeException | StackOverflowError unexpected) {
            problem = "response could not be read";
        }
        boolean installed;
        try {
            installed = install(problem == null ? fetched : null, problem, maxAge);
        } catch (RuntimeException unexpected) {
            installed = false;
        }
        done.complete(installed);
    }

    private synchronized boolean install(JwksKeys fetched, String problem, OptionalLong maxAge) {
        Instant now = clock.instant();
        inFlight = null;
        if (fetched != null) {
            if (failureStreak > 0) {
                LOG.info("jwks fetch for issuer {} recovered after {} failed attempts", config.issuer(),
                        failureStreak);
            }
            failureStreak = 0;
            keys = fetched;
            nextRefreshAt = now.plus(freshness(maxAge));
            return true;
        }
        failureStreak++;
        Duration retry = retryDelay(failureStreak);
        if (failureStreak == 1) {
            LOG.warn("jwks fetch for issuer {} from {} failed ({}); keeping {} cached keys, retrying in {}",
                    config.issuer(), config.jwksUrl(), problem, keys.size(), retry);
        } else {
            LOG.debug("jwks fetch for issuer {} failed again ({}), attempt {}", config.issuer(), problem,
                    failureStreak);
        }
        nextRefreshAt = now.plus(retry);
        return false;
    }

    private Duration freshness(OptionalLong maxAge) {
        if (maxAge.isEmpty()) {
            return config.refreshInterval();
        }
        long seconds = Math.max(MIN_MAX_AGE.toSeconds(), Math.min(MAX_MAX_AGE.toSeconds(), maxAge.getAsLong()));
        return Duration.ofSeconds(seconds);
    }

    private Duration retryDelay(int failures) {
        Duration delay = config.minRefetchInterval().multipliedBy(1L << Math.min(failures - 1, 20));
        return delay.compareTo(config.refreshInterval()) > 0 ? config.refreshInterval() : delay;
    }

    /** The kind of failure, for the log: never a body, a key or an exception message that might echo one. */
    private static String describe(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (cause instanceof Rejected rejected) {
                return rejected.getMessage();
            }
            if (cause instanceof HttpConnectTimeoutException) {
                return "connect timed out after " + CONNECT_TIMEOUT;
            }
            if (cause instanceof HttpTimeoutException) {
                return "no response within " + REQUEST_TIMEOUT;
            }
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
        }
        Throwable root = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return "i/o error " + root.getClass().getSimpleName();
    }

    /** A JWKS body and the response's {@code max-age}, if it had one. */
    private record Fetched(String json, OptionalLong maxAge) {
    }

    /** Why a response was not read; its message is safe to log. */
    private static final class Rejected extends IOException {
        Rejected(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Reads a 200 JSON body of at most {@link #MAX_BODY_BYTES}, cancelling the stream (which closes the
     * connection) as soon as the status, the content type or the size is wrong.
     */
    private static final class BoundedJsonBody implements HttpResponse.BodySubscriber<Fetched> {

        private final CompletableFuture<Fetched> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final String rejection;
        private final OptionalLong maxAge;
        private Flow.Subscription subscription;

        BoundedJsonBody(HttpResponse.ResponseInfo info) {
            this.rejection = rejectionOf(info);
            this.maxAge = maxAge(info.headers());
        }

        @Override
        public CompletionStage<Fetched> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (rejection != null) {
                subscription.cancel();
                result.completeExceptionally(new Rejected(rejection));
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (buffer.size() + item.remaining() > MAX_BODY_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new Rejected("response is larger than " + MAX_BODY_BYTES
                            + " bytes"));
                    return;
                }
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                buffer.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new Fetched(buffer.toString(StandardCharsets.UTF_8), maxAge));
        }

        private static String rejectionOf(HttpResponse.ResponseInfo info) {
            if (info.statusCode() != 200) {
                return "status " + info.statusCode();
            }
            String type = info.headers().firstValue("Content-Type").orElse("");
            int semicolon = type.indexOf(';');
            String mime = (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
            if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
                return "content type is not json: " + (mime.isEmpty() ? "none" : sanitize(mime));
            }
            OptionalLong length = info.headers().firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() > MAX_BODY_BYTES) {
                return "response is larger than " + MAX_BODY_BYTES + " bytes";
            }
            return null;
        }

        /** {@code max-age} of {@code Cache-Control}, unless the response also says not to cache it. */
        private static OptionalLong maxAge(HttpHeaders headers) {
            OptionalLong found = OptionalLong.empty();
            for (String value : headers.allValues("Cache-Control")) {
                for (String directive : value.split(",")) {
                    String d = directive.strip().toLowerCase(Locale.ROOT);
                    if (d.equals("no-cache") || d.equals("no-store")) {
                        return OptionalLong.empty();
                    }
                    if (d.startsWith("max-age=")) {
                        String digits = d.substring("max-age=".length()).replace("\"", "");
                        if (!digits.isEmpty() && digits.length() <= 12 && digits.chars().allMatch(Character::isDigit)) {
                            found = OptionalLong.of(Long.parseLong(digits));
                        }
                    }
                }
            }
            return found;
        }

        private static String sanitize(String text) {
            String cut = text.length() > 64 ? text.substring(0, 64) : text;
            return cut.replaceAll("[^a-z0-9/+.\\-]", "?");
        }
    }

    @Override
    public String toString() {
        return "JwksSource[" + config.issuer() + ", " + (http == null ? "static" : String.valueOf(config.jwksUrl()))
                + ", " + keys.size() + " keys]";
    }
}
