package ai.aideon.providers.fetch;

import ai.aideon.providers.fetch.FetchRefusedException.Reason;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A URL we are willing to request, taken apart: http or https, no user info, a host that is either an IP literal
 * (already an {@link InetAddress}, never looked up) or a syntactically plain DNS name, a valid port.
 *
 * <p>{@link URI} checks the overall syntax, but its host parsing is not used: it gives no host at all for
 * {@code 127.1} or {@code 0x7f.1} and hands {@code 2130706433} back as if it were a name. The authority is split
 * here instead, and IPv4 literals are read by {@link Ipv4Literal}.
 *
 * @param uri           the URL as parsed, with an empty path made {@code /} (redirects are resolved against it)
 * @param https         whether to speak TLS
 * @param host          lower-cased DNS name, dotted IPv4, or IPv6 text without brackets; for Host, SNI and the
 *                      certificate check
 * @param literal       the address when the host is an IP literal, else null (the name still has to be resolved)
 * @param port          explicit or the scheme's default
 * @param requestTarget path and query as sent in the request line
 */
record ImageUrl(URI uri, boolean https, String host, InetAddress literal, int port, String requestTarget) {
    private static final int MAX_URL_LENGTH = 8 * 1024;
    /** DNS labels: letters, digits, hyphens, and underscores, which some real hosts have. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern CANONICAL_DOTTED_QUAD =
            Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
                    + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    static ImageUrl parse(String url) throws FetchRefusedException {
        if (url == null || url.isBlank()) {
            throw refused("The image URL is empty.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw refused("The image URL is longer than " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("The image URL is not a valid URL: " + e.getReason() + ".");
        }
        return of(uri);
    }

    /** A redirect's Location, relative or absolute, validated exactly like a URL from the client. */
    ImageUrl redirect(String location) throws FetchRefusedException {
        URI target;
        try {
            target = uri.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw refused("Redirect from " + display() + " to an invalid URL.");
        }
        return of(target);
    }

    /** Scheme, host, port and path: no query or fragment, which may hold signatures or tokens. */
    String display() {
        return display(uri);
    }

    /** Value of the Host header: the name as the URL gave it, with the port when it is not the default. */
    String hostHeader() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (https ? 443 : 80) ? name : name + ":" + port;
    }

    private static ImageUrl of(URI given) throws FetchRefusedException {
        // Non-ASCII characters in path or query become UTF-8 percent escapes, so the request line is plain ASCII.
        // Non-ASCII in the host becomes escapes too, which the host checks below then refuse.
        URI uri = URI.create(given.toASCIIString());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused("Only http and https image URLs are fetched" + (scheme.isEmpty() ? "" : ", not '"
                    + scheme + "'") + (scheme.equals("data") ? " (data: URIs are decoded, not fetched)" : "") + ".");
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw refused("The image URL has no host.");
        }
        if (authority.indexOf('@') >= 0) {
            // http://trusted.example@127.0.0.1/ reads as one host to people and as another to parsers.
            throw refused("Image URLs with user info (user@host) are not fetched.");
        }
        if (!authority.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw refused("The image URL's host must be ASCII (use the xn-- form of international names).");
        }

        String hostText;
        String portText;
        boolean bracketed = authority.startsWith("[");
        if (bracketed) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw refused("The image URL's IPv6 host is missing its closing bracket.");
            }
            hostText = authority.substring(1, close);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw refused("The image URL's authority is malformed.");
            }
            portText = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            hostText = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? "" : authority.substring(colon + 1);
        }

        boolean https = scheme.equals("https");
        int port = port(portText, https);
        String host;
        InetAddress literal;
        if (bracketed) {
            literal = ipv6(hostText);
            host = literal.getHostAddress();
        } else {
            String name = hostText.toLowerCase(Locale.ROOT);
            if (Ipv4Literal.endsInNumber(name)) {
                OptionalInt ip = Ipv4Literal.parse(name);
                if (ip.isEmpty()) {
                    throw refused("The image URL's host '" + hostText + "' is not a valid IPv4 address.");
                }
                literal = Ipv4Literal.toAddress(ip.getAsInt());
                host = literal.getHostAddress();
            } else {
                literal = null;
                host = dnsName(name, hostText);
            }
        }

        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestTarget = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        URI normalized = URI.create(scheme + "://" + authority + requestTarget);
        return new ImageUrl(normalized, https, host, literal, port, requestTarget);
    }

    private static int port(String text, boolean https) throws FetchRefusedException {
        if (text.isEmpty()) {
            return https ? 443 : 80;
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw refused("The image URL's port '" + text + "' is not a number.");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw refused("The image URL's port " + port + " is out of range.");
        }
        return port;
    }

    private static InetAddress ipv6(String text) throws FetchRefusedException {
        // Hex digits, colons and dots only: a zone ("%eth0") would name an interface of ours.
        if (!IPV6_TEXT.matcher(text).matches() || text.indexOf(':') < 0) {
            throw refused("The image URL's IPv6 host '" + text + "' is not a valid address.");
        }
        int lastColon = text.lastIndexOf(':');
        String tail = text.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0 && !CANONICAL_DOTTED_QUAD.matcher(tail).matches()) {
            // The JDK would read an embedded "0177.0.0.1" as 177.0.0.1; browsers refuse it. So do we.
            throw refused("The image URL's IPv6 host '" + text + "' embeds a malformed IPv4 address.");
        }
        try {
            // Bracketed text is only ever parsed as an IPv6 literal, never looked up.
            return InetAddress.getByName("[" + text + "]");
        } catch (UnknownHostException e) {
            throw refused("The image URL's IPv6 host '" + text + "' is not a valid address.");
        }
    }

    private static String dnsName(String name, String asGiven) throws FetchRefusedException {
        String withoutRootDot = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (withoutRootDot.isEmpty() || withoutRootDot.length() > 253) {
            throw refused("The image URL's host '" + asGiven + "' is not a valid host name.");
        }
        for (String label : withoutRootDot.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                throw refused("The image URL's host '" + asGiven + "' is not a valid host name.");
            }
        }
        return withoutRootDot;
    }

    static String display(URI uri) {
        StringBuilder shown = new StringBuilder();
        if (uri.getScheme() != null) {
            shown.append(uri.getScheme()).append(':');
        }
        if (uri.getRawAuthority() != null) {
            String authority = uri.getRawAuthority();
            shown.append("//").append(authority.substring(authority.lastIndexOf('@') + 1));
        }
        if (uri.getRawPath() != null) {
            shown.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            shown.append("?…");
        }
        return shown.toString();
    }

    private static FetchRefusedException refused(String message) {
        return new FetchRefusedException(Reason.UNSUPPORTED_URL, message);
    }
}
