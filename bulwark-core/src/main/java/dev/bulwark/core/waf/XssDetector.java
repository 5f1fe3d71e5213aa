package dev.bulwark.core.waf;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

import java.util.Locale;
import java.util.Set;

/**
 * Recognizes cross-site scripting in one parameter value by parsing it as a browser would: with jsoup's HTML5
 * parser (a maintained implementation of the WHATWG tokenizer, so malformed, nested and entity-encoded markup
 * parses the way it would in a page), then looking for what runs script in the resulting elements. Parsing the value in
 * more than one context covers the places a value usually lands: in element content, and inside a quoted or unquoted
 * attribute value (where {@code " onmouseover="alert(1)} breaks out). Values with HTML entities are checked again
 * with the entities decoded.
 *
 * <p>A value is XSS when it yields an element that runs or loads active content (or a tag name with a {@code <}
 * in it, the {@code <scr<script>ipt>} filter-evasion trick) ({@code script}, {@code iframe},
 * {@code object}, {@code embed}, {@code svg}, {@code math}, {@code base}, {@code meta}, {@code link}, {@code style},
 * {@code form}, ...), an event-handler attribute ({@code on*}), a URL attribute with a {@code javascript:},
 * {@code vbscript:} or {@code data:} URL, or a {@code style} attribute with {@code expression(} or a script URL; or
 * when the whole value is such a URL followed by code (a link field). Ordinary formatting markup ({@code <b>}, {@code <a href=https:>})
 * and text with angle brackets ({@code a < b}, {@code <3}) pass. Values without {@code <}, quotes or {@code :} are
 * decided without parsing. Stateless and thread-safe.
 */
final class XssDetector {

    private static final Set<String> ACTIVE_ELEMENTS = Set.of("script", "iframe", "frame", "frameset", "object",
            "embed", "applet", "svg", "math", "base", "meta", "link", "style", "form", "isindex", "template",
            "xml", "xss", "portal", "noscript", "noembed", "animate", "set", "handler", "listener", "image",
            "bgsound", "layer", "ilayer", "import");
    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction", "data",
            "background", "poster", "dynsrc", "lowsrc", "codebase", "xlink:href", "srcdoc", "to", "values", "from",
            "by", "ping", "manifest", "cite", "longdesc", "usemap", "profile", "classid", "archive", "content");

    private XssDetector() {
    }

    /**
     * @param value one decoded parameter value
     * @return whether it is an XSS payload in element content, in a quoted attribute, or as a URL
     */
    static boolean isXss(String value) {
        if (isXssOnce(value)) {
            return true;
        }
        // Entities without their semicolons (&ltscript&gt) are still decoded by some backends and templates.
        if (value.indexOf('&') >= 0) {
            String decoded = Parser.unescapeEntities(value, false);
            return !decoded.equals(value) && isXssOnce(decoded);
        }
        return false;
    }

    private static boolean isXssOnce(String value) {
        if (scriptUrl(value) && codeAfterScheme(value)) {
            return true;
        }
        boolean tag = value.indexOf('<') >= 0;
        boolean quote = value.indexOf('"') >= 0 || value.indexOf('\'') >= 0 || value.indexOf('`') >= 0;
        // The closing '>' stands for the rest of the page: a browser completes a tag the value leaves open.
        if (tag && active(parse(value + ">"), true)) {
            return true;
        }
        if (value.indexOf('=') < 0 || !mayBreakOutOfAttribute(value)) {
            return false;
        }
        return quote && (active(parse("<p title=\"" + value + "\">"), false)
                || active(parse("<p title='" + value + "'>"), false))
                || active(parse("<p title=" + value + ">"), false);
    }

    /**
     * Parses with jsoup's HTML5 tokenizer and a tree builder that keeps every tag it sees (the XML one): the HTML
     * tree builder drops tags a browser would still have tokenized (a {@code frame} outside a frameset).
     */
    private static Document parse(String html) {
        return Jsoup.parse(html, "", Parser.xmlParser());
    }

    /**
     * @param markup whether the value itself wrote the tags; in an attribute context an {@code on*} attribute only
     *               counts when its value looks like code, so {@code online=yes} in prose is not a handler
     */
    private static boolean active(Document document, boolean markup) {
        for (Element element : document.getAllElements()) {
            String tag = element.normalName();
            if (element != document && (ACTIVE_ELEMENTS.contains(tag) || tag.indexOf('<') >= 0)) {
                return true;
            }
            for (Attribute attribute : element.attributes()) {
                String name = attribute.getKey().toLowerCase(Locale.ROOT);
                String attributeValue = attribute.getValue();
                if (name.startsWith("on") && name.length() > 2 && (markup || looksLikeCode(attributeValue))) {
                    return true;
                }
                if (URL_ATTRIBUTES.contains(name) && scriptUrl(attributeValue)) {
                    return true;
                }
                if (name.equals("style") && styleScript(attributeValue)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return whether {@code value}, with HTML entities decoded and blanks dropped as browsers do, is a script URL */
    static boolean scriptUrl(String value) {
        int colon = value.indexOf(':');
        if (colon < 0 && value.indexOf('&') < 0) {
            return false;
        }
        String url = compact(value.indexOf('&') >= 0 ? Parser.unescapeEntities(value, true) : value);
        return url.startsWith("javascript:") || url.startsWith("vbscript:") || url.startsWith("livescript:")
                || url.startsWith("data:text/html") || url.startsWith("data:image/svg")
                || url.startsWith("data:application/x") || url.startsWith("data:text/xml");
    }

    /**
     * A whole value that starts like a script URL is only XSS when code follows the scheme: "JavaScript: The Good
     * Parts" is a book title, {@code javascript:alert(1)} is not.
     */
    private static boolean codeAfterScheme(String value) {
        String rest = value.substring(value.indexOf(':') + 1);
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '(' || c == '`' || c == '=' || c == '%' || c == '&' || c == '<' || c == ';' || c == '/') {
                return true;
            }
        }
        return false;
    }

    /** An attribute breakout needs an event handler, a style or a script URL: without those words, skip parsing. */
    private static boolean mayBreakOutOfAttribute(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.contains("on") || lower.contains("style") || lower.contains("script:");
    }

    private static boolean looksLikeCode(String handler) {
        for (int i = 0; i < handler.length(); i++) {
            char c = handler.charAt(i);
            if (c == '(' || c == '`' || c == '=' || c == ':' || c == '[' || c == '.') {
                return true;
            }
        }
        return false;
    }

    private static boolean styleScript(String style) {
        String css = compact(style);
        return css.contains("expression(") || css.contains("javascript:") || css.contains("vbscript:")
                || css.contains("-moz-binding") || css.contains("behavior:");
    }

    /** Lower-cases and drops whitespace and control characters, which browsers ignore inside a URL's scheme. */
    private static String compact(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), 64));
        for (int i = 0; i < value.length() && out.length() < 64; i++) {
            char c = value.charAt(i);
            if (c > ' ' && c != 0x7f) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }
}
