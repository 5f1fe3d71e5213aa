package dev.bulwark.bench;

import dev.bulwark.api.Response;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.waf.WafConfig;
import dev.bulwark.core.waf.WafFilter;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.TestExchange;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Measures the WAF's detection rate on public attack corpora and its false-positive rate on benign text, through the
 * real {@link WafFilter} (decoding included), once per target kind: each value sent as a query parameter, a JSON body
 * field, a header and a path segment.
 *
 * <p>Run {@code bulwark-bench/fetch-waf-corpus.sh} first (it unpacks the corpora into {@code bulwark-bench/waf-corpus/},
 * which git ignores), then
 * {@code java -cp bulwark-bench/target/benchmarks.jar dev.bulwark.bench.InjectionCorpusEvaluator [corpus-dir]}.
 * Prints markdown tables for {@code docs/benchmarks.md}.
 */
public final class InjectionCorpusEvaluator {

    private enum Kind { QUERY, JSON_BODY, HEADER, PATH }

    /** At most one word with at most three symbols around it: {@code '}, {@code --}, {@code select}, {@code =%20'}. */
    private static final java.util.regex.Pattern FRAGMENT =
            java.util.regex.Pattern.compile("[^\\p{Alnum}]{0,4}\\p{Alnum}*(%20)?[^\\p{Alnum}]{0,4}");

    private InjectionCorpusEvaluator() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bulwark-bench/waf-corpus");
        Map<String, List<String>> attacks = new LinkedHashMap<>();
        for (String check : List.of("sqli", "xss", "traversal", "cmd")) {
            List<String> all = new ArrayList<>();
            try (var files = Files.list(dir.resolve("attack"))) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(check + "-")).sorted().toList()) {
                    all.addAll(lines(file));
                }
            }
            attacks.put(check, all);
        }
        // The lists also hold fragments that are no attack on their own (a lone quote, "select", "--"), there to
        // probe for error messages; a row without them shows the rate on complete payloads.
        attacks.put("sqli, complete payloads", attacks.get("sqli").stream()
                .filter(payload -> !FRAGMENT.matcher(payload).matches()).toList());
        Map<String, List<String>> benign = new LinkedHashMap<>();
        List<String> words = lines(dir.resolve("benign/words.txt"));
        benign.put("dictionary words", words);
        benign.put("prose (fortunes)", lines(dir.resolve("benign/prose.txt")));
        benign.put("naughty strings (blns, non-attack sections)", lines(dir.resolve("benign/naughty-strings.txt")));
        benign.put("api values (generated)", apiValues(words));

        for (int warm = 0; warm < 2; warm++) {
            attacks.values().forEach(list -> list.forEach(v -> blocked(Kind.QUERY, v)));
        }
        System.out.println("| attack corpus | payloads | query | JSON body | header | path |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<String>> entry : attacks.entrySet()) {
            StringBuilder row = new StringBuilder("| " + entry.getKey() + " | " + entry.getValue().size());
            for (Kind kind : Kind.values()) {
                row.append(" | ").append(rate(kind, entry.getValue()));
            }
            System.out.println(row + " |");
        }
        System.out.println();
        System.out.println("| benign corpus | values | query | JSON body | header | path |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<String>> entry : benign.entrySet()) {
            StringBuilder row = new StringBuilder("| " + entry.getKey() + " | " + entry.getValue().size());
            for (Kind kind : Kind.values()) {
                row.append(" | ").append(rate(kind, entry.getValue()));
            }
            System.out.println(row + " |");
        }
        System.out.println();
        for (Map.Entry<String, List<String>> entry : benign.entrySet()) {
            List<String> flagged = entry.getValue().stream().filter(v -> blocked(Kind.JSON_BODY, v)).limit(15).toList();
            System.out.println("flagged " + entry.getKey() + ": " + flagged);
        }
        for (Map.Entry<String, List<String>> entry : attacks.entrySet()) {
            List<String> missed = entry.getValue().stream().filter(v -> !blocked(Kind.JSON_BODY, v)).toList();
            System.out.println("missed " + entry.getKey() + " (" + missed.size() + "): " + missed);
        }
        System.out.println();
        System.out.println(cost());
    }

    private static final Map<String, FilterChain> CHAINS = new LinkedHashMap<>();

    private static FilterChain chain(Kind kind) {
        return CHAINS.computeIfAbsent(kind.name(), k -> {
            WafConfig.Target target = switch (kind) {
                case QUERY -> WafConfig.Target.QUERY;
                case JSON_BODY -> WafConfig.Target.BODY;
                case HEADER -> WafConfig.Target.HEADERS;
                case PATH -> WafConfig.Target.PATH;
            };
            return new FilterChain("eval", List.of(new WafFilter(WafConfig.builder()
                    .targets(EnumSet.of(target)).build())));
        });
    }

    /** @return whether the WAF refuses a request carrying {@code value} in the given place */
    private static boolean blocked(Kind kind, String value) {
        ExchangeBuilder request = switch (kind) {
            case QUERY -> ExchangeBuilder.get("/search").rawQuery("p=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            case JSON_BODY -> ExchangeBuilder.post("/orders").body("application/json",
                    ("{\"p\":" + jsonString(value) + "}").getBytes(StandardCharsets.UTF_8));
            case HEADER -> ExchangeBuilder.get("/search").header("X-Comment", value.replace('\n', ' ')
                    .replace('\r', ' '));
            case PATH -> ExchangeBuilder.get("/items/" + value);
        };
        TestExchange exchange = request.build();
        Response response = chain(kind).run(exchange, ex -> CompletableFuture.completedFuture(Response.empty(200)))
                .toCompletableFuture().join();
        return response.status() != 200;
    }

    private static String rate(Kind kind, List<String> values) {
        long hits = values.stream().filter(v -> blocked(kind, v)).count();
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * hits / values.size());
    }

    /** Mean cost of one request with one typical JSON body (12 fields) through the filter, in microseconds. */
    private static String cost() {
        String body = "{\"name\":\"Seán O'Brien\",\"email\":\"sean@example.com\",\"address\":{\"street\":\"12 Main St."
                + "\",\"city\":\"Cork\",\"zip\":\"T12 X2Y3\"},\"items\":[{\"sku\":\"AB-123\",\"qty\":2,\"note\":\"gift"
                + " wrap, please; it's a birthday\"},{\"sku\":\"CD-456\",\"qty\":1}],\"comment\":\"Deliver after 5pm -- "
                + "ring twice\",\"coupon\":\"SPRING-10\",\"newsletter\":true}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FilterChain screened = new FilterChain("cost", List.of(new WafFilter(WafConfig.DEFAULT)));
        FilterChain bare = new FilterChain("cost", List.of());
        double with = 0;
        double without = 0;
        for (int round = 0; round < 3; round++) {
            with = micros(screened, bytes);
            without = micros(bare, bytes);
        }
        return String.format(Locale.ROOT, "inspection cost: %.1f us per request (%.1f us with the waf, %.1f us"
                + " building and running the same exchange without it; path, 2 query parameters, 2 headers, a %d-byte"
                + " JSON body with 12 string values; all checks)", with - without, with, without, bytes.length);
    }

    private static double micros(FilterChain chain, byte[] body) {
        int rounds = 100_000;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            TestExchange exchange = ExchangeBuilder.post("/orders/42").rawQuery("expand=items&lang=en")
                    .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
                    .header("Referer", "https://shop.example.com/cart?step=2")
                    .body("application/json", body).build();
            chain.run(exchange, ex -> CompletableFuture.completedFuture(Response.empty(200))).toCompletableFuture().join();
        }
        return (System.nanoTime() - start) / 1000.0 / rounds;
    }

    /** Realistic values of API fields, built from dictionary words: names, emails, URLs, markdown, prose. */
    private static List<String> apiValues(List<String> words) {
        Random random = new Random(42);
        String[] templates = {
            "O'%s", "%s O'Brien", "D'%s-Smith", "Mary-Jane %s", "%s.%s@example.com", "%s+%s@mail.example.org",
            "https://shop.example.com/products/%s?ref=%s&utm_source=newsletter", "docs/%s/%s.md",
            "C:\\Users\\%s\\Documents\\%s.docx", "**%s** and _%s_, see [docs](https://example.com/%s)",
            "Please select the %s option and update my order", "Drop me a line about %s", "I want 1 or 2 %s",
            "Order by Friday and get a %s free", "Where is the %s? Is it near the union?", "Tom & %s",
            "%s; then %s", "cats & %s | pets", "It's %s o'clock, isn't it?", "He said \"%s\" and left",
            "%s (the \"best\") -- really!", "Delete my %s or update my email", "%s <3 %s", "a < b and %s > c",
            "#%s #%s", "@%s thanks!", "%s = %s", "50% off %s", "%s & co. <info@%s.com>", "Re: %s -- %s",
            "SELECT-%s edition", "The %s union's annual meeting", "%s/%s/%s", "%s:%s", "[%s](%s)",
            "{\"tag\": \"%s\"}", "<b>%s</b> is <i>%s</i>", "Sleep (%s) well", "Run `npm test` in %s",
            "Call me at +1 (555) 010-%s", "Set %s to true", "Type %s below", "Echo Park, %s", "Cat & %s Cafe"};
        List<String> out = new ArrayList<>();
        for (String template : templates) {
            for (int i = 0; i < 200; i++) {
                Object[] fill = new Object[4];
                for (int j = 0; j < fill.length; j++) {
                    fill[j] = words.get(random.nextInt(words.size()));
                }
                out.add(String.format(Locale.ROOT, template.replace("50%", "50%%"), fill));
            }
        }
        return out;
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Reads one value per line. The lists write unprintable characters as {@code \\xHH} and wapiti as markers
     * ({@code [TAB]}, {@code [LF]}, {@code [FF]}, {@code [ATTR_SEP]}, {@code [VALUE_SEP]}); both are turned into the
     * characters they stand for, as the tools do before sending.
     */
    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
                .map(InjectionCorpusEvaluator::unescape).toList();
    }

    private static String unescape(String line) {
        String text = line.replace("[TAB]", "\t").replace("[LF]", "\n").replace("[FF]", "\f")
                .replace("[ATTR_SEP]", "\" ").replace("[VALUE_SEP]", "\"");
        if (!text.contains("\\x")) {
            return text;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x'
                    && Character.digit(text.charAt(i + 2), 16) >= 0 && Character.digit(text.charAt(i + 3), 16) >= 0) {
                bytes.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
