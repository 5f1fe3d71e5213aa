package dev.bulwark.core.screening;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recognizes the user agents of vulnerability scanners, brute-forcers and exploitation tools: plain substrings
 * compared without regard to case, compiled once.
 *
 * <p>A lookup lower-cases the user agent once and runs one {@link String#contains} per pattern, so its cost is
 * linear in the user agent's length times the number of patterns (about 90: well under a microsecond for a
 * browser's user agent) and no input can make it backtrack. Immutable and thread-safe.
 */
public final class ScannerUserAgents {

    /**
     * The built-in patterns: the OWASP Core Rule Set's {@code scanners-user-agents.data} (CRS 3.3.4, Apache-2.0,
     * as Debian packages it in {@code modsecurity-crs}), minus {@code grabber}, {@code metis}, {@code floodgate}
     * and {@code security scan}, which are ordinary words, plus scanners common since that list was made
     * (acunetix, feroxbuster, dirb, and nmap in any form).
     */
    public static final List<String> BUILT_IN = List.of(
            "(hydra)", ".nasl", "absinthe", "advanced email extractor", "arachni/", "autogetcontent", "bilbo",
            "bfac", "brutus", "bsqlbf", "cgichk", "cisco-torch", "commix", "core-project/1.0", "crimscanner/",
            "datacha0s", "dirbuster", "domino hunter", "dotdotpwn", "email extractor", "fhscan core 1.",
            "f-secure radar", "get-minimal", "gobuster", "gootkit auto-rooter scanner", "grendel-scan", "havij",
            "inspath", "internet ninja", "jaascois", "zmeu", "jorgee", "masscan", "morfeus fucking scanner",
            "mysqloit", "n-stealth", "nessus", "netsparker", "nikto", "nmap nse", "nmap scripting engine",
            "nmap-nse", "nsauditor", "nuclei", "openvas", "pangolin", "paros", "pmafind", "prog.customcrawler",
            "qqgamehall", "qualys was", "s.t.a.l.k.e.r.", "springenwerk", "sql power injector", "sqlmap",
            "sqlninja", "sysscan", "teh forest lobster", "this is an exploit", "toata dragostea", "uil2pn",
            "user-agent:", "vega/", "voideye", "w3af.sf.net", "w3af.sourceforge.net", "w3af.org", "webbandit",
            "webinspect", "webshag", "webtrends security analyzer", "webvulnscan", "wfuzz", "fuzz faster u fool",
            "whatweb", "whcc/", "wordpress hash grabber", "xmlrpc exploit", "wpscan", "struts-pwn", "detectify",
            "zgrab",
            "acunetix", "feroxbuster", "dirb/", "nmap");

    private final String[] patterns;
    private final String[] allowed;

    /**
     * @param extra   patterns added to {@link #BUILT_IN}
     * @param allowed patterns that are never flagged: a user agent containing one is not a scanner here
     */
    public ScannerUserAgents(List<String> extra, List<String> allowed) {
        Set<String> all = new LinkedHashSet<>(BUILT_IN);
        extra.forEach(pattern -> all.add(pattern.strip().toLowerCase(Locale.ROOT)));
        this.patterns = all.toArray(String[]::new);
        List<String> allow = new ArrayList<>();
        allowed.forEach(pattern -> allow.add(pattern.strip().toLowerCase(Locale.ROOT)));
        this.allowed = allow.toArray(String[]::new);
    }

    /**
     * @param userAgent the request's user agent, not blank
     * @return the pattern it contains, or {@code null} when it is not a known scanner (or is allowed)
     */
    public String match(String userAgent) {
        String lower = userAgent.toLowerCase(Locale.ROOT);
        for (String allow : allowed) {
            if (lower.contains(allow)) {
                return null;
            }
        }
        for (String pattern : patterns) {
            if (lower.contains(pattern)) {
                return pattern;
            }
        }
        return null;
    }
}
