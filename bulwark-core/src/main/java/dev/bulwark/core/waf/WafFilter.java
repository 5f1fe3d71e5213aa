package dev.bulwark.core.waf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.edge.MediaTypes;
import dev.bulwark.core.waf.WafConfig.Check;
import dev.bulwark.core.waf.WafConfig.Mode;
import dev.bulwark.core.waf.WafConfig.OversizedBody;
import dev.bulwark.core.waf.WafConfig.Target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Injection screening (a small WAF) at {@link Stage#RATE_LIMIT}, after the route's rate-limit tiers (so a flood is
 * refused before any value is inspected) and before authentication: runs the route's {@link WafConfig#checks()}
 * (SQL injection, XSS, path traversal, command injection) over the route's {@link WafConfig#targets()}.
 *
 * <p>What is inspected, each value also URL-decoded once more when it still holds escapes ({@link Detectors}):
 * <ul>
 *   <li><b>path</b>: each segment of the normalized (once-decoded) path;</li>
 *   <li><b>query</b>: each parameter's name and value, form-decoded ({@code +} is a space);</li>
 *   <li><b>headers</b>: every header value except credentials and protocol headers ({@link #SKIPPED_HEADERS});</li>
 *   <li><b>body</b>: JSON bodies ({@code application/json}, {@code +json}) walked with Jackson's streaming parser,
 *       every object key and string value; form bodies ({@code application/x-www-form-urlencoded}) field by field;
 *       {@code multipart/form-data} bodies part by part ({@link MultipartForm}): each part's field name, its
 *       filename, and its value when it is a field rather than a file (file contents are binary and not inspected,
 *       their filenames are). Form and multipart fields are one parameter each, named by the field name, so
 *       {@code body:FIELD} exclusions apply to both alike (an excluded part's name, filename and value are all
 *       skipped). In other multipart types only the parts that declare {@code Content-Disposition: form-data}
 *       are form parts (some backends read any {@code multipart/*} body as a form); the rest are not inspected,
 *       nor are other content types (binary, text). The body is read into memory within the route's body limit
 *       and then forwarded exactly as read, the mechanism webhook and tenant rules use.</li>
 * </ul>
 *
 * <p>A detection in {@link Mode#BLOCK} refuses with {@code 403} {@link Reason#INJECTION_DETECTED}, whose detail
 * never echoes the request; in {@link Mode#LOG} the request passes. Either way one event names the check, the target
 * and the parameter (the value itself is redacted to its length). The first detection ends the inspection.
 *
 * <p>Bodies larger than their bound ({@code maxMultipartInspection} for multipart ones, {@code maxBodyInspection}
 * for the others): in block mode with {@link OversizedBody#BLOCK} they are refused
 * with {@code 413} as soon as the limit is passed (a declared length is refused before reading, an undeclared one
 * is never buffered beyond the limit); otherwise they are forwarded uninspected. A JSON body that does not parse, a
 * multipart body that breaks one of {@link MultipartForm}'s strict rules, and any inspected body that comes with a
 * second {@code Content-Type} field are refused with {@code 400} {@link Reason#MALFORMED_REQUEST} in block mode,
 * since a lenient backend parser, or one honouring the other type, might read values the WAF never saw; in log
 * mode they are forwarded. Thread-safe.
 */
public final class WafFilter implements SecurityFilter {

    /** The {@code source} of this filter's events. */
    public static final String SOURCE = "waf";
    /** What clients see on a block: nothing about what matched. */
    static final String PUBLIC_DETAIL = "request blocked by injection screening";
    /** Credentials (opaque, and never to be logged) and protocol headers the gateway already validates. */
    static final Set<String> SKIPPED_HEADERS = Set.of("authorization", "proxy-authorization", "host",
            "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "te", "accept",
            "accept-encoding", "accept-language", "sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-protocol", "if-match", "if-none-match");
    private static final int MAX_SHOWN_NAME = 64;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final boolean block;
    private final Set<Target> targets;
    private final Detectors detectors;
    private final Exclusions exclusions;
    private final long maxBody;
    private final long maxMultipartBody;
    private final boolean refuseOversized;

    /** @throws IllegalArgumentException naming the first problem {@link WafConfig#problems} reports */
    public WafFilter(WafConfig config) {
        List<ConfigProblem> problems = WafConfig.problems(config, "waf");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().toString());
        }
        if (!config.enabled()) {
            throw new IllegalArgumentException("waf is off; build no filter for it");
        }
        this.block = config.mode() == Mode.BLOCK;
        this.targets = config.targets();
        this.detectors = new Detectors(config.checks());
        this.exclusions = new Exclusions(config.exclude());
        this.maxBody = config.maxBodyInspection();
        this.maxMultipartBody = config.maxMultipartInspection();
        this.refuseOversized = block && config.oversizedBody() == OversizedBody.BLOCK;
    }

    /** One detection: which check fired on which parameter of which target. */
    record Finding(Check check, Target target, String parameter, int length) {
    }

    @Override
    public Stage stage() {
        return Stage.RATE_LIMIT;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Finding finding = inspectHead(exchange);
        if (finding != null) {
            return decide(exchange, chain, finding);
        }
        BodyKind kind = targets.contains(Target.BODY) && !exchange.isWebSocketUpgrade() && hasBody(exchange)
                ? BodyKind.of(exchange) : BodyKind.NONE;
        if (kind == BodyKind.NONE) {
            return chain.proceed(exchange);
        }
        if (block && exchange.requestHeaders().getAll("Content-Type").size() > 1) {
            // A backend may honour either type, and read the body otherwise than it was inspected.
            return CompletableFuture.completedFuture(exchange.refuse(Reason.MALFORMED_REQUEST, SOURCE,
                    "the request has more than one content type"));
        }
        long bound = kind == BodyKind.MULTIPART ? maxMultipartBody : maxBody;
        if (exchange.contentLength() > bound) {
            return refuseOversized ? tooLarge(exchange) : chain.proceed(exchange);
        }
        if (refuseOversized) {
            exchange.bodyLimit(Math.min(exchange.bodyLimit(), bound));
        }
        return exchange.body().handle((body, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof BodyTooLargeException) {
                    return tooLarge(exchange);
                }
                return CompletableFuture.<Response>failedFuture(cause);
            }
            if (body.length > bound) {
                return chain.proceed(exchange);
            }
            Finding inBody;
            try {
                inBody = switch (kind) {
                    case JSON -> inspectJson(body);
                    case MULTIPART -> inspectMultipart(exchange, body);
                    case FORM -> inspectForm(body);
                    case NONE -> throw new IllegalStateException("no body to inspect");
                };
            } catch (IOException malformed) {
                if (!block) {
                    return chain.proceed(exchange);
                }
                // Jackson's messages quote the body; MultipartForm's never do.
                return CompletableFuture.completedFuture(exchange.refuse(Reason.MALFORMED_REQUEST, SOURCE,
                        malformed instanceof MultipartForm.MalformedException
                                ? "the request body is not valid " + MediaTypes.of(exchange.requestHeaders()
                                        .get("Content-Type")) + ": " + malformed.getMessage()
                                : "the request body is not valid json"));
            }
            return inBody == null ? chain.proceed(exchange) : decide(exchange, chain, inBody);
        }).thenCompose(Function.identity());
    }

    private CompletionStage<Response> decide(Exchange exchange, Chain chain, Finding finding) {
        String detail = finding.check().key() + " in " + describe(finding) + " (value redacted, " + finding.length()
                + " characters)";
        if (block) {
            exchange.emit(Reason.INJECTION_DETECTED, SOURCE, detail);
            return CompletableFuture.completedFuture(Response.problem(
                    Problem.of(Reason.INJECTION_DETECTED, PUBLIC_DETAIL, exchange.requestId())));
        }
        exchange.emit(Reason.INJECTION_DETECTED, SOURCE, detail + "; log mode, passed");
        return chain.proceed(exchange);
    }

    private static CompletionStage<Response> tooLarge(Exchange exchange) {
        return CompletableFuture.completedFuture(exchange.refuse(Reason.BODY_TOO_LARGE, SOURCE,
                "request body exceeds the injection screening limit"));
    }

    /** @return e.g. {@code query parameter "q"}, with the name cut and stripped of anything unsafe to log */
    private static String describe(Finding finding) {
        return switch (finding.target()) {
            case PATH -> "the path";
            case QUERY -> "query parameter " + shown(finding.parameter());
            case HEADERS -> "header " + shown(finding.parameter());
            case BODY -> "body field " + shown(finding.parameter());
        };
    }

    private static String shown(String name) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < name.length() && i < MAX_SHOWN_NAME; i++) {
            char c = name.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return out.append(name.length() > MAX_SHOWN_NAME ? "...\"" : "\"").toString();
    }

    // ---- head: path, query, headers ----

    private Finding inspectHead(Exchange exchange) {
        if (targets.contains(Target.PATH) && !exclusions.path()) {
            String path = exchange.path();
            int start = 1;
            while (start <= path.length()) {
                int end = path.indexOf('/', start);
                end = end < 0 ? path.length() : end;
                Finding finding = check(path.substring(start, end), Target.PATH, "path");
                if (finding != null) {
                    return finding;
                }
                start = end + 1;
            }
        }
        if (targets.contains(Target.QUERY) && exchange.rawQuery() != null) {
            Finding finding = inspectPairs(exchange.rawQuery(), Target.QUERY);
            if (finding != null) {
                return finding;
            }
        }
        if (targets.contains(Target.HEADERS)) {
            Finding[] found = {null};
            exchange.requestHeaders().forEach((name, value) -> {
                if (found[0] == null) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!SKIPPED_HEADERS.contains(lower) && !exclusions.header(lower)) {
                        found[0] = check(value, Target.HEADERS, name);
                    }
                }
            });
            return found[0];
        }
        return null;
    }

    /** Query strings and form bodies: {@code name=value} pairs joined by {@code &}, names checked too. */
    private Finding inspectPairs(String encoded, Target target) {
        int start = 0;
        while (start <= encoded.length()) {
            int end = encoded.indexOf('&', start);
            end = end < 0 ? encoded.length() : end;
            int equals = encoded.indexOf('=', start);
            boolean hasValue = equals >= 0 && equals < end;
            String name = Detectors.percentDecode(encoded.substring(start, hasValue ? equals : end), true);
            boolean excluded = target == Target.QUERY ? exclusions.query(name) : exclusions.body(name);
            if (!excluded) {
                Finding finding = check(name, target, name);
                if (finding == null && hasValue) {
                    finding = check(Detectors.percentDecode(encoded.substring(equals + 1, end), true), target, name);
                }
                if (finding != null) {
                    return finding;
                }
            }
            start = end + 1;
        }
        return null;
    }

    private Finding check(String value, Target target, String parameter) {
        Check check = detectors.detect(value);
        return check == null ? null : new Finding(check, target, parameter, value.length());
    }

    // ---- body ----

    private enum BodyKind {
        NONE, JSON, MULTIPART, FORM;

        /**
         * Any JSON content type wins, then multipart, then form: with several, block mode refuses the request before
         * inspecting it, and log mode inspects the one a backend would most likely honour.
         */
        static BodyKind of(Exchange exchange) {
            BodyKind kind = NONE;
            for (String value : exchange.requestHeaders().getAll("Content-Type")) {
                String type = MediaTypes.of(value);
                if (MediaTypes.isJson(type)) {
                    return JSON;
                }
                if (type.startsWith("multipart/")) {
                    kind = MULTIPART;
                } else if (type.equals("application/x-www-form-urlencoded") && kind == NONE) {
                    kind = FORM;
                }
            }
            return kind;
        }
    }

    /**
     * Without a declared length a body may still come: chunked over HTTP/1.1, or simply undeclared over HTTP/2,
     * which has no {@code Transfer-Encoding}. An HTTP/1.1 request with neither reads as empty.
     */
    private static boolean hasBody(Exchange exchange) {
        return exchange.contentLength() != 0 && exchange.requestHeaders().contains("Content-Type");
    }

    private Finding inspectForm(byte[] body) {
        return inspectPairs(new String(body, StandardCharsets.UTF_8), Target.BODY);
    }

    /**
     * Each part as {@link #inspectPairs} treats a form field: one parameter named by the field name, whose name and
     * then filename (a file) or value (a field) are checked, unless the name is excluded.
     *
     * @throws MultipartForm.MalformedException when the body breaks one of {@link MultipartForm}'s rules, or (in
     *                                          log mode; block mode refuses earlier) the request has more than one
     *                                          {@code Content-Type}: whose boundary would the backend use?
     */
    private Finding inspectMultipart(Exchange exchange, byte[] body) throws MultipartForm.MalformedException {
        List<String> contentTypes = exchange.requestHeaders().getAll("Content-Type");
        if (contentTypes.size() != 1) {
            throw new MultipartForm.MalformedException("the request has more than one content type");
        }
        for (MultipartForm.Part part : MultipartForm.parse(contentTypes.getFirst(), body).parts()) {
            String name = part.name();
            if (exclusions.body(name)) {
                continue;
            }
            Finding finding = check(name, Target.BODY, name);
            if (finding == null) {
                finding = check(part.isFile() ? part.filename() : part.value(), Target.BODY, name);
            }
            if (finding != null) {
                return finding;
            }
        }
        return null;
    }

    /**
     * @return the first detection among the document's keys and string values
     * @throws IOException when the body is not one well-formed JSON document
     */
    private Finding inspectJson(byte[] body) throws IOException {
        if (body.length == 0) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    // A path costs its depth squared to build: only where an exclusion could match, or to report.
                    JsonStreamContext context = parser.getParsingContext();
                    if (exclusions.mayExcludeJsonAt(context.getNestingDepth()) && exclusions.body(path(context))) {
                        continue;
                    }
                    String value = parser.getText();
                    Check check = detectors.detect(value);
                    if (check != null) {
                        return new Finding(check, Target.BODY, path(context), value.length());
                    }
                }
            }
            if (parser.getParsingContext().getParent() != null) {
                throw new IOException("truncated json");
            }
        }
        return null;
    }

    /** @return the value's path as exclusions write it: {@code $.items[*].note} */
    private static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "$";
        }
        String parent = path(context.getParent());
        if (context.inArray()) {
            return parent + "[*]";
        }
        String name = context.getCurrentName();
        return name == null ? parent : parent + "." + name;
    }
}
