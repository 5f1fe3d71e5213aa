package dev.bulwark.core.config;

import dev.bulwark.core.idempotency.IdempotencyConfig;
import dev.bulwark.core.webhook.WebhookConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One route as configured, before compilation.
 *
 * @param id       a unique name, used in logs, metrics and events
 * @param hosts    host patterns this route serves (exact or {@code *.example.com}); empty matches any host
 * @param methods  upper-case methods; empty matches any
 * @param path     a path pattern: literal segments, {@code {name}} for one segment, {@code *} for one
 *                 unnamed segment, a trailing {@code **} for any rest (including nothing)
 * @param upstream the name of the upstream to forward to
 * @param policies named policies applied in order
 * @param inline   settings written on the route itself, applied last
 * @param webhook  webhook verification and de-duplication, or {@code null} when the route is not a webhook
 * @param idempotency client {@code Idempotency-Key} handling for POST requests, or {@code null} for none
 */
public record RouteConfig(String id, Set<String> hosts, Set<String> methods, String path, String upstream,
                          List<String> policies, PolicyConfig inline, WebhookConfig webhook,
                          IdempotencyConfig idempotency) {

    public RouteConfig {
        hosts = Set.copyOf(hosts);
        methods = Set.copyOf(methods);
        policies = List.copyOf(policies);
    }

    /** A route that is neither a webhook nor idempotent. */
    public RouteConfig(String id, Set<String> hosts, Set<String> methods, String path, String upstream,
                       List<String> policies, PolicyConfig inline) {
        this(id, hosts, methods, path, upstream, policies, inline, null, null);
    }

    /** @return a builder for the route named {@code id}, matching any host and method, with no policies */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * Builds a {@link RouteConfig}. Methods are upper-cased here; everything else is checked by the route
     * compiler, so Java-built and YAML-loaded routes get the same errors. Not thread-safe.
     */
    public static final class Builder {
        private final String id;
        private final Set<String> hosts = new LinkedHashSet<>();
        private final Set<String> methods = new LinkedHashSet<>();
        private String path;
        private String upstream;
        private final List<String> policies = new ArrayList<>();
        private PolicyConfig inline = PolicyConfig.EMPTY;
        private WebhookConfig webhook;
        private IdempotencyConfig idempotency;

        private Builder(String id) {
            this.id = id;
        }

        /** Sets the path pattern, e.g. {@code /api/orders/{id}} or {@code /api/products/**}. */
        public Builder path(String pattern) {
            this.path = pattern;
            return this;
        }

        /** Adds methods this route serves (case-insensitive; {@code GET} also serves {@code HEAD}). */
        public Builder methods(String... methods) {
            return methods(List.of(methods));
        }

        public Builder methods(List<String> methods) {
            methods.forEach(method -> this.methods.add(method.toUpperCase(Locale.ROOT)));
            return this;
        }

        /** Adds host patterns: exact names or {@code *.example.com} for any subdomain. */
        public Builder hosts(String... hosts) {
            return hosts(List.of(hosts));
        }

        public Builder hosts(List<String> hosts) {
            this.hosts.addAll(hosts);
            return this;
        }

        public Builder upstream(String upstreamName) {
            this.upstream = upstreamName;
            return this;
        }

        /** Appends named policies; they apply in the order given, after the defaults. */
        public Builder policies(String... names) {
            return policies(List.of(names));
        }

        public Builder policies(List<String> names) {
            this.policies.addAll(names);
            return this;
        }

        /** Sets the route's own settings, applied after every named policy. */
        public Builder inline(PolicyConfig inline) {
            this.inline = inline;
            return this;
        }

        public Builder inline(PolicyConfig.Builder inline) {
            return inline(inline.build());
        }

        /** Makes the route a webhook endpoint: deliveries are verified and de-duplicated before forwarding. */
        public Builder webhook(WebhookConfig webhook) {
            this.webhook = webhook;
            return this;
        }

        /** Enables client {@code Idempotency-Key} handling for POST requests ({@code key} must be {@code null}). */
        public Builder idempotency(IdempotencyConfig idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        public RouteConfig build() {
            return new RouteConfig(id, hosts, methods, path, upstream, policies, inline, webhook, idempotency);
        }
    }
}
