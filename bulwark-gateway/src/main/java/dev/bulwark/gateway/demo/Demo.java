package dev.bulwark.gateway.demo;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.gateway.Gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The showcase: the bundled merchant backend ({@link DemoBackend}) behind a gateway configured by the
 * readable classpath file {@value #CONFIG_RESOURCE}, plus the curl tour that shows what the gateway does.
 *
 * <p>The configuration reads the ports from {@code BULWARK_DEMO_PORT} and {@code BULWARK_DEMO_BACKEND_PORT}
 * and the embedded H2 database's directory from {@code BULWARK_DEMO_DATA} (supplied here, not taken from the
 * environment), so the same file serves {@code bulwark demo} and anyone who copies it as a starting point. The
 * webhook secrets come from the environment ({@link #SECRET_VARIABLES}), with demo-only defaults that
 * production mode refuses. On first start the demo creates an admin ({@link #admin()}) whose login the tour
 * uses.
 * {@link #close()} stops the gateway gracefully, then the backend.
 */
public final class Demo implements AutoCloseable {

    /** Where the demo configuration lives on the classpath. */
    public static final String CONFIG_RESOURCE = "demo/bulwark-demo.yaml";

    /** The variables holding the demo's webhook secrets, with the demo-only defaults the configuration uses. */
    public static final Map<String, String> SECRET_VARIABLES = Map.of(
            "BULWARK_DEMO_META_APP_SECRET", "demo-meta-app-secret-not-for-production",
            "BULWARK_DEMO_META_VERIFY_TOKEN", "demo-meta-verify-token-not-for-production",
            "BULWARK_DEMO_TELEGRAM_SECRET", "demo-telegram-secret-not-for-production",
            "BULWARK_DEMO_EVOLUTION_APIKEY", "demo-evolution-apikey-not-for-production");

    /** The MEMBER the tour creates through the admin API. */
    static final String TOUR_MEMBER = "member@bulwark.local";
    /** Printed in the tour on purpose: it is the reader's own throwaway account on a loopback-only demo. */
    static final String TOUR_MEMBER_PASSWORD = "violet-Harbor-trumpet-58";
    /** The WhatsApp delivery the tour signs and sends: one text message with the id {@value #TOUR_MESSAGE_ID}. */
    public static final String TOUR_DELIVERY = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102938\","
            + "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"messages\":[{\"id\":\"wamid.tour-1\",\"from\":\"5511999990000\",\"type\":\"text\","
            + "\"text\":{\"body\":\"Is my order shipped?\"}}]}}]}]}";

    /** The WhatsApp message id in {@link #TOUR_DELIVERY}, which the gateway de-duplicates on. */
    public static final String TOUR_MESSAGE_ID = "wamid.tour-1";

    /** Where the first admin's email comes from; {@value #DEFAULT_ADMIN_EMAIL} when unset. */
    public static final String ADMIN_EMAIL_VARIABLE = "BULWARK_ADMIN_EMAIL";
    /** Where the first admin's password comes from; generated and printed once when unset. */
    public static final String ADMIN_PASSWORD_VARIABLE = "BULWARK_ADMIN_PASSWORD";
    /** The first admin's email when {@value #ADMIN_EMAIL_VARIABLE} is unset. */
    public static final String DEFAULT_ADMIN_EMAIL = "admin@bulwark.local";

    /**
     * The demo's first admin.
     *
     * @param email    the login
     * @param password the password when this start generated it (to be shown once), else {@code null}
     * @param created  whether this start created the account (false: it existed in the data directory)
     */
    public record FirstAdmin(String email, String password, boolean created) {
        @Override
        public String toString() {
            return "FirstAdmin[email=" + email + ", created=" + created + "]";
        }
    }

    private final Gateway gateway;
    private final DemoBackend backend;
    private final Path dataDir;
    private final Function<String, String> env;
    private final FirstAdmin admin;

    private Demo(Gateway gateway, DemoBackend backend, Path dataDir, Function<String, String> env, FirstAdmin admin) {
        this.gateway = gateway;
        this.backend = backend;
        this.dataDir = dataDir;
        this.env = env;
        this.admin = admin;
    }

    /**
     * Starts the backend, then the gateway in front of it, with the webhook secrets from the environment.
     *
     * @param port        the gateway port; 0 picks a free one
     * @param backendPort the backend port on 127.0.0.1; 0 picks a free one
     * @param dataDir     created if missing; holds the embedded H2 database
     * @return the running demo
     * @throws UncheckedIOException         when the data directory cannot be created
     * @throws IllegalStateException        when a port cannot be bound
     * @throws dev.bulwark.gateway.GatewayStartException when the database in {@code dataDir} cannot be opened
     *                                      (for example, another demo is using it)
     * @throws dev.bulwark.core.config.ConfigException when the bundled configuration is invalid (a bug)
     */
    public static Demo start(int port, int backendPort, Path dataDir) {
        return start(port, backendPort, dataDir, System::getenv);
    }

    /**
     * Like {@link #start(int, int, Path)}, reading the configuration's variables (the webhook secrets) from
     * {@code env} instead of the environment.
     */
    public static Demo start(int port, int backendPort, Path dataDir, Function<String, String> env) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Path data = dataDir.toAbsolutePath().normalize();
        DemoBackend backend = DemoBackend.start(backendPort);
        try {
            Gateway gateway = Gateway.start(config(port, backend.port(), data, env));
            try {
                return new Demo(gateway, backend, data, env, firstAdmin(gateway, env));
            } catch (RuntimeException failure) {
                gateway.close();
                throw failure;
            }
        } catch (RuntimeException failure) {
            backend.close();
            throw failure;
        }
    }

    /**
     * Creates the first admin when the user store is empty: email and password from the environment, else the
     * default email and a password the policy accepts, generated (24 random characters).
     *
     * @throws IllegalStateException when the configured password breaks the password policy
     */
    private static FirstAdmin firstAdmin(Gateway gateway, Function<String, String> env) {
        Identity identity = gateway.auth().orElseThrow(() -> new IllegalStateException(
                "the demo configuration has no auth section")).identity();
        String configuredEmail = env.apply(ADMIN_EMAIL_VARIABLE);
        String email = configuredEmail == null || configuredEmail.isBlank() ? DEFAULT_ADMIN_EMAIL : configuredEmail;
        if (!identity.users().list(null, 1).toCompletableFuture().join().users().isEmpty()) {
            return new FirstAdmin(email, null, false);
        }
        String configuredPassword = env.apply(ADMIN_PASSWORD_VARIABLE);
        boolean generated = configuredPassword == null || configuredPassword.isEmpty();
        String password = generated ? identity.passwordPolicy().generate(email) : configuredPassword;
        Identity.CreateOutcome outcome = identity.createUser(email, password, Set.of("ADMIN"), Set.of())
                .toCompletableFuture().join();
        if (outcome instanceof Identity.CreateOutcome.Rejected rejected) {
            throw new IllegalStateException(ADMIN_PASSWORD_VARIABLE + " does not meet the password policy: "
                    + String.join("; ", rejected.violations()));
        }
        return new FirstAdmin(email, generated ? password : null, true);
    }

    /** @return the first admin: who, and the password when this start generated it */
    public FirstAdmin admin() {
        return admin;
    }

    /** @return the demo configuration exactly as shipped, with its {@code ${...}} placeholders */
    public static String configText() {
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("demo configuration missing from the classpath: " + CONFIG_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CONFIG_RESOURCE, e);
        }
    }

    /**
     * Loads the demo configuration for the given ports and data directory; other variables come from
     * {@code env}.
     *
     * @throws dev.bulwark.core.config.ConfigException when the bundled file is invalid
     */
    public static BulwarkConfig config(int port, int backendPort, Path dataDir, Function<String, String> env) {
        Map<String, String> supplied = Map.of(
                "BULWARK_DEMO_PORT", Integer.toString(port),
                "BULWARK_DEMO_BACKEND_PORT", Integer.toString(backendPort),
                "BULWARK_DEMO_DATA", dataDir.toString());
        Function<String, String> variables = name -> supplied.containsKey(name) ? supplied.get(name) : env.apply(name);
        return ConfigLoader.parse(configText(), "classpath:" + CONFIG_RESOURCE, variables);
    }

    /** @return the running gateway */
    public Gateway gateway() {
        return gateway;
    }

    /** @return the running backend */
    public DemoBackend backend() {
        return backend;
    }

    /** @return the absolute data directory, where the embedded H2 database lives */
    public Path dataDir() {
        return dataDir;
    }

    /** @return the gateway's address as a user would type it ({@code http://localhost:PORT}) */
    public URI gatewayUri() {
        return URI.create("http://localhost:" + gateway.port());
    }

    /** @return the steps of the curl tour for this demo's ports, in the order the README walks them */
    public List<TourStep> tour() {
        String base = gatewayUri().toString();
        String whatsapp = base + "/api/webhooks/whatsapp/shop-1";
        return List.of(
                new TourStep("A public health route, proxied; note X-Request-Id and the security headers,"
                        + " and that Server/X-Powered-By from the backend are gone",
                        "curl -si " + base + "/api/health"),
                new TourStep("The merchant API needs a token: 401 with WWW-Authenticate",
                        "curl -si " + base + "/api/orders/42"),
                new TourStep("Log in as the first admin: an access token (15 min) and a refresh token (7 days)",
                        "curl -s -X POST " + base + "/auth/login -H 'Content-Type: application/json' -d '{\"email\":\""
                                + admin.email() + "\",\"password\":\"'\"" + adminPassword() + "\"'\"}' | tee login.json"
                                + " && TOKEN=$(sed -E 's/.*\"accessToken\":\"([^\"]+)\".*/\\1/' login.json)"
                                + " && REFRESH=$(sed -E 's/.*\"refreshToken\":\"([^\"]+)\".*/\\1/' login.json)"),
                new TourStep("What the backend received: your request id kept, X-Forwarded-* added, the token checked",
                        "curl -s -H \"Authorization: Bearer $TOKEN\" -H 'X-Request-Id: tour-1' '" + base
                                + "/api/orders/42?expand=items'"),
                new TourStep("Refresh: a new pair; the old refresh token is spent (presenting it again later ends"
                        + " the session)",
                        "curl -s -X POST " + base + "/auth/refresh -H 'Content-Type: application/json'"
                                + " -d \"{\\\"refreshToken\\\":\\\"$REFRESH\\\"}\""),
                new TourStep("Log out: the session ends on every node",
                        "curl -si -X POST -H \"Authorization: Bearer $TOKEN\" " + base + "/auth/logout"),
                new TourStep("The same token on the very next request: 401 token-revoked",
                        "curl -si -H \"Authorization: Bearer $TOKEN\" " + base + "/api/orders/42"),
                new TourStep("Roles: log in again and create a MEMBER through the admin API",
                        login(base, admin.email(), adminPassword(), "TOKEN")
                                + " && curl -s -X POST " + base + "/_bulwark/admin/users -H \"Authorization: Bearer"
                                + " $TOKEN\" -H 'Content-Type: application/json' -d '{\"email\":\"" + TOUR_MEMBER
                                + "\",\"password\":\"" + TOUR_MEMBER_PASSWORD + "\",\"roles\":[\"MEMBER\"]}'"),
                new TourStep("The MEMBER may not list users: 403 permission-missing, and the backend never sees it",
                        login(base, TOUR_MEMBER, TOUR_MEMBER_PASSWORD, "MEMBER_TOKEN")
                                + " && curl -si -H \"Authorization: Bearer $MEMBER_TOKEN\" " + base + "/api/users"),
                new TourStep("The ADMIN may",
                        "curl -s -o /dev/null -w '%{http_code}\\n' -H \"Authorization: Bearer $TOKEN\" " + base
                                + "/api/users"),
                new TourStep("An API key for a machine client, scoped to reading orders (the key is shown once)",
                        "curl -s -X POST " + base + "/_bulwark/admin/apikeys -H \"Authorization: Bearer $TOKEN\""
                                + " -H 'Content-Type: application/json' -d '{\"name\":\"tour-bot\",\"scopes\":"
                                + "[\"orders:read\"]}' | tee key.json"
                                + " && KEY=$(sed -E 's/.*\"key\":\"([^\"]+)\".*/\\1/' key.json)"),
                new TourStep("The key reads orders, and may not write them (403)",
                        "curl -s -o /dev/null -w '%{http_code}\\n' -H \"X-Api-Key: $KEY\" " + base
                                + "/api/orders/42 && curl -s -o /dev/null -w '%{http_code}\\n' -X POST -H \"X-Api-Key:"
                                + " $KEY\" " + base + "/api/orders"),
                new TourStep("Path traversal is refused before routing, with a problem+json body",
                        "curl -si --path-as-is '" + base + "/api/../../etc/passwd'"),
                new TourStep("A scanner's user agent is refused on every route but health (403), before any token check",
                        "curl -si -A 'sqlmap/1.8.4#stable (https://sqlmap.org)' " + base + "/api/products"),
                new TourStep("A CORS preflight from an allowed origin is answered at the edge",
                        "curl -si -X OPTIONS " + base + "/api/products -H 'Origin: http://localhost:3000'"
                                + " -H 'Access-Control-Request-Method: POST'"),
                new TourStep("...and one from an unknown origin is refused (403, no CORS headers)",
                        "curl -si -X OPTIONS " + base + "/api/products -H 'Origin: https://evil.test'"
                                + " -H 'Access-Control-Request-Method: POST'"),
                new TourStep("A webhook body over the 2 MB limit gets 413 before the backend sees it",
                        "head -c 3000000 /dev/zero | curl -si -X POST -H 'Content-Type: application/json'"
                                + " --data-binary @- " + base + "/api/webhooks/orders"),
                new TourStep("No route, no proxying: 404 problem",
                        "curl -si " + base + "/internal/debug"),
                new TourStep("Prometheus metrics, including the refusals above",
                        "curl -s " + base + "/_bulwark/metrics | grep -E '^(http_requests_total|security_events_total)'"),
                new TourStep("Webhooks: save a WhatsApp delivery, as Meta would send it",
                        "printf '%s' '" + TOUR_DELIVERY + "' > delivery.json"),
                new TourStep("Sign it with the app secret and send it: verified, then forwarded byte for byte",
                        signAndSend(secret("BULWARK_DEMO_META_APP_SECRET"), whatsapp)),
                new TourStep("A delivery signed with any other secret is refused (401) before the backend sees it",
                        signAndSend("not-the-app-secret", whatsapp)),
                new TourStep("The same delivery again: 200 duplicate_ignored, and the backend never sees it twice",
                        signAndSend(secret("BULWARK_DEMO_META_APP_SECRET"), whatsapp)),
                new TourStep("Meta's subscription handshake: the challenge is echoed for the right verify token",
                        "curl -si \"" + whatsapp + "?hub.mode=subscribe&hub.verify_token="
                                + secret("BULWARK_DEMO_META_VERIFY_TOKEN") + "&hub.challenge=1158201444\""));
    }

    /**
     * A quiet login that keeps the access token in a shell variable. {@code password} sits inside double quotes,
     * so {@code $BULWARK_ADMIN_PASSWORD} expands.
     */
    private static String login(String base, String email, String password, String variable) {
        return "curl -s -o login.json -X POST " + base + "/auth/login -H 'Content-Type: application/json' -d"
                + " '{\"email\":\"" + email + "\",\"password\":\"'\"" + password + "\"'\"}'"
                + " && " + variable + "=$(sed -E 's/.*\"accessToken\":\"([^\"]+)\".*/\\1/' login.json)";
    }

    /** How the tour's login names the admin password: generated now, from the environment, or as first printed. */
    private String adminPassword() {
        if (admin.password() != null) {
            return admin.password();
        }
        String configured = env.apply(ADMIN_PASSWORD_VARIABLE);
        return configured != null && !configured.isEmpty() ? "$" + ADMIN_PASSWORD_VARIABLE
                : "PASSWORD-PRINTED-ON-FIRST-START";
    }

    /**
     * How a tour command names a secret: the demo default itself, or a reference to the variable when the
     * user set their own, so the banner never prints a real secret.
     */
    private String secret(String variable) {
        String value = env.apply(variable);
        return value == null || value.isEmpty() ? SECRET_VARIABLES.get(variable) : "\"$" + variable + "\"";
    }

    private static String signAndSend(String secret, String url) {
        return "./bulwark webhooks sign --preset meta --secret " + secret + " --body delivery.json"
                + " | xargs curl -si -H 'Content-Type: application/json' --data-binary @delivery.json " + url;
    }

    /** @return what {@code bulwark demo} prints once everything is up */
    public String banner() {
        String base = gatewayUri().toString();
        StringBuilder text = new StringBuilder()
                .append("Bulwark demo is running.\n\n")
                .append("  gateway   ").append(base).append('\n')
                .append("  backend   ").append(backend.baseUri())
                .append("  (the demo merchant API; reach it through the gateway)\n")
                .append("  health    ").append(base).append("/_bulwark/health/live, ")
                .append(base).append("/_bulwark/health/ready\n")
                .append("  metrics   ").append(base).append("/_bulwark/metrics\n")
                .append("  jwks      ").append(base).append("/.well-known/jwks.json\n")
                .append("  admin     ").append(admin.email()).append(adminLine()).append('\n')
                .append("  data      ").append(dataDir)
                .append("  (embedded H2 database: users, sessions, signing keys and webhook ids survive a restart)\n")
                .append("  config    classpath:").append(CONFIG_RESOURCE)
                .append("  (print it with 'bulwark demo --print-config')\n\n")
                .append("Take the tour: paste these into another terminal.\n");
        for (TourStep step : tour()) {
            text.append("\n  # ").append(step.what()).append("\n  ").append(step.command()).append('\n');
        }
        return text.append("\nPress Ctrl-C to stop.").toString();
    }

    private String adminLine() {
        if (admin.password() != null) {
            return "  password " + admin.password() + "  (generated now and shown once; set "
                    + ADMIN_PASSWORD_VARIABLE + " to choose it)";
        }
        return admin.created() ? "  (password from " + ADMIN_PASSWORD_VARIABLE + ")"
                : "  (created on an earlier start; its password was printed then)";
    }

    /** Stops the gateway gracefully, then the backend. */
    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            backend.close();
        }
    }

    /**
     * One step of the tour.
     *
     * @param what    what the step shows, in one line
     * @param command a command to paste into a shell
     */
    public record TourStep(String what, String command) {
    }
}
