package dev.bulwark.core.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Principal;
import dev.bulwark.api.store.User;
import dev.bulwark.core.idempotency.JsonPath;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One place a request may name its tenant, parsed once from a {@code tenant.sources} entry. Reading a source gives
 * its value, {@code null} when the request does not use it, or throws {@link Malformed} when it uses it in a way a
 * backend could read differently (twice, empty, oversized, control characters, not a string). Immutable and
 * thread-safe.
 */
sealed interface TenantSource {

    String HEADER = "header:";
    String QUERY = "query:";
    String CLAIM = "claim";
    String PATH = "path:";
    String BODY = "body:";

    /** @return how refusals name this source, e.g. {@code header X-Clinic-Id}; never a request value */
    String describe();

    /**
     * @param body the parsed JSON body, or {@code null} when the request has none or it is not JSON
     * @return the tenant this source names, or {@code null} when the request does not use it
     * @throws Malformed when the request uses the source ambiguously or with an unusable value
     */
    String read(Exchange exchange, Principal principal, JsonNode body);

    /**
     * @param spec a configured entry, e.g. {@code header:X-Clinic-Id}
     * @throws IllegalArgumentException naming {@code spec} when it is not a source
     */
    static TenantSource parse(String spec) {
        String expected = " (expected header:NAME, query:NAME, claim, path:NAME or body:FIELD)";
        if (spec == null) {
            throw new IllegalArgumentException("null is not a tenant source" + expected);
        }
        if (spec.equals(CLAIM)) {
            return new Claim();
        }
        if (spec.startsWith(HEADER)) {
            return new Header(name(spec, HEADER, Header.NAME, "a header name"));
        }
        if (spec.startsWith(QUERY)) {
            return new Query(name(spec, QUERY, Query.NAME, "a query parameter name"));
        }
        if (spec.startsWith(PATH)) {
            return new PathParameter(name(spec, PATH, PathParameter.NAME,
                    "a path parameter name (letters, digits and _)"));
        }
        if (spec.startsWith(BODY)) {
            String field = spec.substring(BODY.length());
            try {
                return new Body(JsonPath.compile(field.startsWith("$") ? field : "$." + field), field);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + spec + "\" does not name a json field (expected e.g."
                        + " body:clinicId or body:appointment.clinicId): " + e.getMessage(), e);
            }
        }
        if (spec.startsWith(CLAIM + ":")) {
            throw new IllegalArgumentException("\"" + spec + "\" is not a tenant source: claim takes no name (the"
                    + " claim an external issuer's tenant is read from is its auth.issuers[].tenantClaim)");
        }
        throw new IllegalArgumentException("\"" + spec + "\" is not a tenant source" + expected);
    }

    private static String name(String spec, String prefix, Pattern valid, String what) {
        String name = spec.substring(prefix.length());
        if (!valid.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + spec + "\" does not end in " + what);
        }
        return name;
    }

    /**
     * @return {@code value} when it can be a tenant id: 1 to {@link User#MAX_NAME_LENGTH} characters, none of
     *     them a control character
     * @throws Malformed naming the source otherwise
     */
    private static String checked(String value, TenantSource source) {
        if (value.isEmpty() || value.length() > User.MAX_NAME_LENGTH
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new Malformed("the tenant in the " + source.describe() + " must be 1 to " + User.MAX_NAME_LENGTH
                    + " printable characters");
        }
        return value;
    }

    /** The request uses a source in a way the gateway and a backend could read differently; refused with 400. */
    final class Malformed extends RuntimeException {
        Malformed(String message) {
            // Hostile input is expected here; a stack trace would only cost time.
            super(message, null, false, false);
        }
    }

    /** The single value of a request header. */
    record Header(String name) implements TenantSource {
        static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

        @Override
        public String describe() {
            return "header " + name;
        }

        @Override
        public String read(Exchange exchange, Principal principal, JsonNode body) {
            List<String> values = exchange.requestHeaders().getAll(name);
            if (values.isEmpty()) {
                return null;
            }
            if (values.size() > 1) {
                // Backends pick the first, the last, or join them: any choice could differ from ours.
                throw new Malformed("the " + describe() + " must be sent once");
            }
            return checked(values.getFirst(), this);
        }
    }

    /** The single value of a query parameter, percent-decoded as backends decode it. */
    record Query(String name) implements TenantSource {
        static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.~-]+");

        @Override
        public String describe() {
            return "query parameter " + name;
        }

        @Override
        public String read(Exchange exchange, Principal principal, JsonNode body) {
            String query = exchange.rawQuery();
            if (query == null || query.isEmpty()) {
                return null;
            }
            String found = null;
            int start = 0;
            while (start <= query.length()) {
                int end = query.indexOf('&', start);
                if (end < 0) {
                    end = query.length();
                }
                int nameEnd = start;
                while (nameEnd < end && query.charAt(nameEnd) != '=') {
                    nameEnd++;
                }
                String key = decode(query.substring(start, nameEnd));
                if (key.equals(name) || (key.startsWith(name) && key.length() > name.length()
                        && key.charAt(name.length()) == '[')) {
                    // name[]=x and name[k]=x become arrays and objects in qs-style parsers.
                    if (found != null || key.length() > name.length()) {
                        throw new Malformed("the " + describe() + " must be sent once, as a plain value");
                    }
                    found = nameEnd < end ? decode(query.substring(nameEnd + 1, end)) : "";
                }
                start = end + 1;
            }
            return found == null ? null : checked(found, this);
        }

        private String decode(String text) {
            if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
                return text;
            }
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Malformed("the query string is not valid percent-encoding");
            }
        }
    }

    /** The verified credential's tenant. */
    record Claim() implements TenantSource {
        @Override
        public String describe() {
            return "token's tenant claim";
        }

        @Override
        public String read(Exchange exchange, Principal principal, JsonNode body) {
            return principal == null ? null : principal.tenant();
        }
    }

    /** A {@code {name}} segment of the route pattern, decoded as matched. */
    record PathParameter(String name) implements TenantSource {
        static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        @Override
        public String describe() {
            return "path parameter " + name;
        }

        @Override
        public String read(Exchange exchange, Principal principal, JsonNode body) {
            String value = exchange.pathParams().get(name);
            return value == null ? null : checked(value, this);
        }
    }

    /**
     * A field of the JSON body: a string, or an integer (read as its decimal text, as ids often are).
     *
     * @param path  the compiled path
     * @param field the path as configured, for messages
     */
    record Body(JsonPath path, String field) implements TenantSource {
        @Override
        public String describe() {
            return "body field " + field;
        }

        @Override
        public String read(Exchange exchange, Principal principal, JsonNode body) {
            if (body == null) {
                return null;
            }
            JsonNode node = path.select(body).orElse(null);
            if (node == null || node.isMissingNode()) {
                return null;
            }
            if (node.isTextual()) {
                return checked(node.textValue(), this);
            }
            if (node.isIntegralNumber()) {
                return checked(node.asText(), this);
            }
            throw new Malformed("the " + describe() + " must be a string");
        }
    }
}
