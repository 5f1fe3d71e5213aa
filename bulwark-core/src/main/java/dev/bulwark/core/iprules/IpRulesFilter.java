package dev.bulwark.core.iprules;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Refuses clients by address at {@link Stage#IP_RULES} ({@code 403}, {@link Reason#IP_DENIED}), using the
 * trusted client address ({@link Exchange#clientIp()}, already resolved through trusted proxies).
 *
 * <p>Rules: a client inside a deny block is refused, whatever any allow list says (deny wins); otherwise, a
 * client outside a non-empty allow list is refused; otherwise it passes. IPv4-mapped IPv6 clients
 * ({@code ::ffff:10.0.0.1}) are matched as the IPv4 address they carry, zones ({@code fe80::1%eth0}) are
 * ignored, {@code /0} matches every address of its family, {@code /32} and {@code /128} exactly one. When
 * there is at least one rule, a client address that is not an IP literal is refused: a decision that cannot
 * be made denies. The client is told only {@code "client address not allowed"}; which list refused it goes to
 * the security event, and the lists themselves go nowhere.
 *
 * <p>Blocks are parsed once, when the filter is built; a request costs one parse of the client address and a
 * few integer comparisons per block, never a DNS lookup. Immutable and thread-safe.
 */
public final class IpRulesFilter implements SecurityFilter {

    /** The {@code source} of this filter's security events. */
    public static final String SOURCE = "ip-rules";
    /** The only detail clients see, so a refusal reveals nothing about the lists. */
    static final String PUBLIC_DETAIL = "client address not allowed";

    private final Layer[] layers;

    private IpRulesFilter(List<Layer> layers) {
        this.layers = layers.stream().filter(layer -> !layer.isEmpty()).toArray(Layer[]::new);
    }

    /**
     * @param config the rules; {@code null} means none
     * @throws IllegalArgumentException when {@link IpRulesConfig#problems} reports anything (the first problem,
     *                                  under the key path {@code ipRules})
     */
    public IpRulesFilter(IpRulesConfig config) {
        this(List.of(Layer.of("", config, "ipRules")));
    }

    /**
     * Builds one filter applying the gateway-wide rules ({@code server.ipRules}) and a route's own rules
     * together, so that a route can narrow who may reach it but never widen it:
     * <ul>
     *   <li><b>deny</b> is the union: a client denied globally or by the route is refused;</li>
     *   <li><b>allow</b> is the intersection when both lists are non-empty: the client must be inside the global
     *       allow list <em>and</em> inside the route's; when only one is non-empty it applies alone; when both are
     *       empty every client not denied passes;</li>
     *   <li>deny wins over allow across both: a route cannot allow back a client the global rules deny, and the
     *       global allow list cannot let in a client the route denies.</li>
     * </ul>
     *
     * @param global the gateway-wide rules; {@code null} means none
     * @param route  the route's rules; {@code null} means none
     * @return the combined filter; {@link #restrictsNothing()} tells whether it is worth adding to a chain
     * @throws IllegalArgumentException when either config has a problem (the first one, under the key path
     *                                  {@code server.ipRules} or {@code ipRules})
     */
    public static IpRulesFilter combine(IpRulesConfig global, IpRulesConfig route) {
        List<Layer> layers = new ArrayList<>(2);
        layers.add(Layer.of("global ", global, "server.ipRules"));
        layers.add(Layer.of("route ", route, "ipRules"));
        return new IpRulesFilter(layers);
    }

    /** @return whether there is no rule at all, so every client passes and the filter can be left out */
    public boolean restrictsNothing() {
        return layers.length == 0;
    }

    /**
     * @param clientIp the trusted client address literal
     * @return whether a client at this address passes the rules
     */
    public boolean allows(String clientIp) {
        return refusal(clientIp) == null;
    }

    @Override
    public Stage stage() {
        return Stage.IP_RULES;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        String refusal = refusal(exchange.clientIp());
        if (refusal == null) {
            return chain.proceed(exchange);
        }
        exchange.emit(Reason.IP_DENIED, SOURCE, refusal);
        return CompletableFuture.completedFuture(
                Response.problem(Problem.of(Reason.IP_DENIED, PUBLIC_DETAIL, exchange.requestId())));
    }

    /** @return why the client is refused, for the security event; {@code null} when it passes */
    private String refusal(String clientIp) {
        if (layers.length == 0) {
            return null;
        }
        byte[] address = IpLiterals.parseClient(clientIp);
        if (address == null) {
            return "client address is not an IP address literal";
        }
        for (Layer layer : layers) {
            if (layer.deny.contains(address)) {
                return "client address matches the " + layer.label + "deny list";
            }
        }
        for (Layer layer : layers) {
            if (!layer.allow.isEmpty() && !layer.allow.contains(address)) {
                return "client address is not in the " + layer.label + "allow list";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "IpRulesFilter" + List.of(layers);
    }

    /** One level of rules (global or route); {@code label} ends in a space or is empty, for event details. */
    private record Layer(String label, CidrSet allow, CidrSet deny) {

        static Layer of(String label, IpRulesConfig config, String path) {
            if (config == null) {
                return new Layer(label, CidrSet.EMPTY, CidrSet.EMPTY);
            }
            List<ConfigProblem> problems = IpRulesConfig.problems(config, path);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(problems.getFirst().toString());
            }
            return new Layer(label, CidrSet.parse(config.allow()), CidrSet.parse(config.deny()));
        }

        boolean isEmpty() {
            return allow.isEmpty() && deny.isEmpty();
        }

        @Override
        public String toString() {
            return (label.isEmpty() ? "" : label) + "allow " + allow + " deny " + deny;
        }
    }
}
