package dev.bulwark.core.edge;

import java.util.Locale;

/**
 * Reads {@code Content-Type} values the same way wherever a filter decides by them (body limits, tenant from the
 * body, injection screening).
 *
 * <p>Stateless.
 */
public final class MediaTypes {

    private MediaTypes() {
    }

    /** @return the media type of a {@code Content-Type} value, lower case, without parameters or spaces */
    public static String of(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** @return whether a media type (as {@link #of} gives it) is JSON: {@code application/json} or {@code +json} */
    public static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }
}
