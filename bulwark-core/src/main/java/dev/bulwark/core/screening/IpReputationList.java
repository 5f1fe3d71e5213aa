package dev.bulwark.core.screening;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.iprules.Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A deny list of client addresses kept in a file and reloaded when the file changes.
 *
 * <p>The file holds one IP address or CIDR block per line, in the syntax {@link Cidr#parse} accepts; blank lines are
 * skipped, and everything from a {@code #} or {@code ;} to the end of a line is a comment (so feeds such as
 * Spamhaus DROP, {@code 192.0.2.0/24 ; SBL123}, load as they are). A file is all or nothing: one malformed line, an
 * unreadable file or more than {@link #MAX_ENTRIES} entries reject the whole file, and the list keeps what it had.
 *
 * <p>{@link #reloadIfChanged} compares the file's modification time and size with the last load and reads the file
 * only when they differ; the host calls it on a timer ({@code reloadInterval}). Lookups read an immutable snapshot
 * through a volatile field and never wait for a reload. Thread-safe.
 */
public final class IpReputationList {

    /** More than any published feed holds; a file beyond it is more likely a mistake than a list. */
    public static final int MAX_ENTRIES = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(IpReputationList.class);
    private static final String SOURCE = "ip-reputation";

    /** What one {@link #reloadIfChanged} call did. */
    public enum Reload {
        /** The file has the same modification time and size as at the last look. */
        UNCHANGED,
        /** The file changed and its entries replaced the list. */
        LOADED,
        /** The file changed but could not be used; the list is unchanged. */
        REJECTED,
        /** The file does not exist (any more); the list is unchanged. */
        MISSING
    }

    private final Path file;
    private volatile IpRanges ranges;
    /** Modification time and size at the last look; {@code null} when the file was missing. Guarded by this. */
    private FileTime seenTime;
    private long seenSize = -1;

    private IpReputationList(Path file, IpRanges ranges) {
        this.file = file;
        this.ranges = ranges;
    }

    /**
     * Reads the list at startup.
     *
     * @param file     the list's path
     * @param required whether a missing file is an error (production mode) rather than an empty list that fills in
     *                 when the file appears
     * @return the loaded list
     * @throws IllegalArgumentException when the file is missing and required, unreadable, or malformed; the message
     *                                  names the line and quotes the entry
     */
    public static IpReputationList load(Path file, boolean required) {
        IpReputationList list = new IpReputationList(file, IpRanges.EMPTY);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            list.ranges = IpRanges.of(parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
            list.seenTime = attributes.lastModifiedTime();
            list.seenSize = attributes.size();
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IllegalArgumentException(quote(file) + " does not exist (production mode needs the list at"
                        + " startup; create an empty file to start with none)");
            }
            LOG.warn("ip reputation list {} does not exist yet; no address is listed until it appears", file);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(quote(file) + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException(quote(file) + " cannot be read: " + e.getMessage());
        }
        return list;
    }

    /**
     * Parses the file's lines.
     *
     * @return the blocks, in file order
     * @throws IllegalArgumentException naming the first bad line ({@code line 12: "10.0.0.1/8" has bits set...}) or
     *                                  the entry count when it exceeds {@link #MAX_ENTRIES}
     */
    static List<Cidr> parse(List<String> lines) {
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String entry = stripComment(lines.get(i)).strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (cidrs.size() == MAX_ENTRIES) {
                throw new IllegalArgumentException("has more than " + MAX_ENTRIES + " entries");
            }
            try {
                cidrs.add(Cidr.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return cidrs;
    }

    private static String stripComment(String line) {
        int end = line.length();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '#' || c == ';') {
                end = i;
                break;
            }
        }
        return line.substring(0, end);
    }

    /**
     * @param address 4 or 16 address bytes, as {@link dev.bulwark.core.iprules.IpLiterals#parseClient} returns them
     * @return whether the address is on the list; {@code false} for {@code null}
     */
    public boolean contains(byte[] address) {
        return ranges.contains(address);
    }

    /** @return how many entries the list currently holds */
    public int size() {
        return ranges.blocks();
    }

    /** @return the file the list is read from */
    public Path file() {
        return file;
    }

    /**
     * Reloads the list when the file's modification time or size changed since the last look. A file that cannot
     * be used is logged once per change and reported as one {@link Reason#IP_REPUTATION_LIST_REJECTED} event; the
     * list keeps its entries. Blocks on file I/O: call it from a thread that may block, never an event loop.
     * Concurrent calls are serialized.
     *
     * @param events receives the event for a rejected file
     * @param clock  stamps that event
     * @return what happened
     */
    public synchronized Reload reloadIfChanged(SecurityEventSink events, Clock clock) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            if (seenSize != -2) {
                LOG.warn("ip reputation list {} is missing or unreadable; keeping the {} entries loaded before",
                        file, size());
                seenTime = null;
                seenSize = -2;
            }
            return Reload.MISSING;
        }
        if (attributes.lastModifiedTime().equals(seenTime) && attributes.size() == seenSize) {
            return Reload.UNCHANGED;
        }
        seenTime = attributes.lastModifiedTime();
        seenSize = attributes.size();
        try {
            IpRanges loaded = IpRanges.of(parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
            ranges = loaded;
            LOG.info("ip reputation list {} reloaded: {} entries", file, loaded.blocks());
            return Reload.LOADED;
        } catch (IllegalArgumentException | IOException e) {
            String problem = e instanceof MalformedInputException ? "is not UTF-8 text"
                    : e instanceof IllegalArgumentException ? e.getMessage() : "cannot be read: " + e.getMessage();
            LOG.error("ip reputation list {} rejected, keeping the {} entries loaded before: {}", file, size(),
                    problem);
            events.emit(new SecurityEvent(clock.instant(), Reason.IP_REPUTATION_LIST_REJECTED, SOURCE, null, null,
                    null, null, "the ip reputation list was not reloaded: " + problem));
            return Reload.REJECTED;
        }
    }

    private static String quote(Path file) {
        return ConfigProblem.quote(file.toString());
    }
}
