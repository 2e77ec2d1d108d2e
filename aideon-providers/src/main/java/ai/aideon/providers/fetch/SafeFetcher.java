package ai.aideon.providers.fetch;

import ai.aideon.providers.fetch.FetchFailedException.Reason;
import ai.aideon.providers.fetch.PinnedHttpGet.BodyTooLargeException;
import ai.aideon.providers.fetch.PinnedHttpGet.Head;
import ai.aideon.providers.fetch.PinnedHttpGet.MalformedResponseException;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Fetches the images that vision requests link to, for engines that only take inline images — without becoming a
 * way into the gateway's own network (SSRF).
 *
 * <p>For each URL, and again for every redirect target: http or https only, no user info; the host is an IP
 * literal (in any notation browsers accept) or is resolved exactly once; if any address is one the
 * {@link AddressPolicy} forbids (loopback, private, link-local and cloud metadata, CGNAT, multicast, reserved …)
 * the URL is refused before any connection. The connection then goes to that checked address — the name is never
 * resolved again, so a DNS answer that changes in between (rebinding) cannot redirect it — with the original name
 * in the Host header, in SNI, and as the name the certificate must be valid for.
 *
 * <p>One deadline covers the whole fetch, redirects included. The body must be within the size limit (declared and
 * actual), of an allowed image type (header), and start with that type's signature.
 */
public final class SafeFetcher {
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final ExecutorService LOOKUPS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aideon-image-lookup-", 0).factory());

    /**
     * @param maxBytes            largest image accepted, declared or actual (default 20 MiB)
     * @param connectTimeout      per connection attempt, within the deadline (default 3 s)
     * @param deadline            whole fetch: lookup, connects, TLS, redirects, body (default 10 s)
     * @param maxRedirects        redirects followed before refusing (default 3)
     * @param allowedContentTypes image types accepted; each must be one whose signature is known
     *                            (png, jpeg, gif, webp — all four by default)
     * @param addressPolicy       which addresses may be connected to (default {@link AddressPolicy#PUBLIC_ONLY})
     */
    public record Settings(long maxBytes, Duration connectTimeout, Duration deadline, int maxRedirects,
                           Set<String> allowedContentTypes, AddressPolicy addressPolicy) {
        public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
        public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
        public static final int DEFAULT_MAX_REDIRECTS = 3;

        public Settings {
            if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxBytes must be between 1 and " + (Integer.MAX_VALUE - 8));
            }
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(deadline, "deadline");
            if (maxRedirects < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative");
            }
            allowedContentTypes = allowedContentTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
            if (allowedContentTypes.isEmpty() || !ImageTypes.RECOGNISED.containsAll(allowedContentTypes)) {
                throw new IllegalArgumentException("allowedContentTypes must be a non-empty subset of "
                        + new TreeSet<>(ImageTypes.RECOGNISED) + ", whose signatures can be checked");
            }
            Objects.requireNonNull(addressPolicy, "addressPolicy");
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_MAX_BYTES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_REDIRECTS,
                    ImageTypes.RECOGNISED, AddressPolicy.PUBLIC_ONLY);
        }

        public Settings withMaxBytes(long value) {
            return new Settings(value, connectTimeout, deadline, maxRedirects, allowedContentTypes, addressPolicy);
        }

        public Settings withDeadline(Duration value) {
            return new Settings(maxBytes, connectTimeout, value, maxRedirects, allowedContentTypes, addressPolicy);
        }

        public Settings withMaxRedirects(int value) {
            return new Settings(maxBytes, connectTimeout, deadline, value, allowedContentTypes, addressPolicy);
        }

        public Settings withAddressPolicy(AddressPolicy value) {
            return new Settings(maxBytes, connectTimeout, deadline, maxRedirects, allowedContentTypes, value);
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }

    /** Turns a host name into addresses; called at most once per URL (first or redirect target). */
    @FunctionalInterface
    public interface HostResolver {
        HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** Opens a TCP connection to an address that has already passed the policy. */
    @FunctionalInterface
    public interface Connector {
        /** No proxy: a SOCKS or HTTP proxy would resolve the name itself and connect wherever its answer says. */
        Connector DIRECT = (address, timeoutMillis) -> {
            Socket socket = new Socket(Proxy.NO_PROXY);
            try {
                socket.setTcpNoDelay(true);
                socket.connect(address, timeoutMillis);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        };

        Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException;
    }

    private final Settings settings;
    private final HostResolver resolver;
    private final Connector connector;
    private final SSLSocketFactory tls;
    private final String accept;

    /** The production fetcher: system resolver, direct connections, the JDK's default trust store. */
    public SafeFetcher(Settings settings) {
        this(settings, HostResolver.SYSTEM, Connector.DIRECT, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** With the network seams replaced, for tests: fake DNS answers, recorded connections, a test trust store. */
    public SafeFetcher(Settings settings, HostResolver resolver, Connector connector, SSLSocketFactory tls) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.accept = String.join(", ", new TreeSet<>(settings.allowedContentTypes()));
    }

    public Settings settings() {
        return settings;
    }

    /** An {@code image_url} value as clients send it: a {@code data:} URI is decoded, an http(s) URL fetched. */
    public FetchedImage load(String imageUrl) throws ImageFetchException {
        if (DataUri.isDataUri(imageUrl)) {
            return DataUri.decode(imageUrl, settings.maxBytes(), settings.allowedContentTypes());
        }
        return fetch(imageUrl);
    }

    /** Fetches an http(s) image URL under every rule in the class description. */
    public FetchedImage fetch(String url) throws ImageFetchException {
        Deadline deadline = Deadline.after(settings.deadline());
        ImageUrl current = ImageUrl.parse(url);
        for (int hop = 0; ; hop++) {
            String subject = hop == 0 ? "The image URL " + current.display()
                    : "The image URL's redirect #" + hop + " to " + current.display();
            List<InetAddress> addresses = checkedAddresses(current, subject, deadline);
            Response response = exchange(current, addresses, subject, deadline);
            if (response.image() != null) {
                return response.image();
            }
            if (hop >= settings.maxRedirects()) {
                throw new FetchRefusedException(FetchRefusedException.Reason.TOO_MANY_REDIRECTS,
                        subject + " redirects again; at most " + settings.maxRedirects() + " redirects are followed.");
            }
            try {
                current = current.redirect(response.location());
            } catch (FetchRefusedException e) {
                throw new FetchRefusedException(e.reason(),
                        subject + " redirects to a URL that is refused: " + e.getMessage());
            }
        }
    }

    /** Either the image or where the server sent us instead. */
    private record Response(FetchedImage image, String location) {
    }

    /** The host's addresses, every one of them allowed by the policy; a literal is checked without any lookup. */
    private List<InetAddress> checkedAddresses(ImageUrl url, String subject, Deadline deadline)
            throws ImageFetchException {
        if (url.literal() != null) {
            refuseIfForbidden(url.literal(), subject + " is ");
            return List.of(url.literal());
        }
        List<InetAddress> addresses = resolve(url.host(), subject, deadline);
        if (addresses.isEmpty()) {
            throw new FetchFailedException(Reason.UNREACHABLE, subject + ": host " + url.host() + " not found.",
                    null);
        }
        // All of them, not just the one we would use: a name that also resolves to a private address is refused
        // outright rather than depending on which address the connection happens to pick.
        for (InetAddress address : addresses) {
            refuseIfForbidden(address, subject + " resolves to ");
        }
        return addresses;
    }

    private void refuseIfForbidden(InetAddress address, String prefix) throws FetchRefusedException {
        if (!settings.addressPolicy().permits(address)) {
            throw new FetchRefusedException(FetchRefusedException.Reason.FORBIDDEN_ADDRESS, prefix
                    + address.getHostAddress() + ", " + AddressClass.of(address).description()
                    + "; only public addresses are fetched.");
        }
    }

    /** The lookup runs on its own virtual thread so a stuck resolver cannot outlast the deadline. */
    private List<InetAddress> resolve(String host, String subject, Deadline deadline) throws FetchFailedException {
        Future<List<InetAddress>> lookup = LOOKUPS.submit(() -> resolver.resolve(host));
        try {
            List<InetAddress> addresses = lookup.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
            return addresses == null ? List.of() : List.copyOf(addresses);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new FetchFailedException(Reason.TIMEOUT, subject + ": looking up " + host + " took longer than "
                    + "the " + settings.deadline().toMillis() + " ms deadline.", null);
        } catch (ExecutionException e) {
            throw new FetchFailedException(Reason.UNREACHABLE, subject + ": host " + host + " not found.",
                    e.getCause());
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchFailedException(Reason.UNREACHABLE, subject + ": interrupted while looking up " + host
                    + ".", e);
        }
    }

    private Response exchange(ImageUrl url, List<InetAddress> addresses, String subject, Deadline deadline)
            throws ImageFetchException {
        Socket connection = connect(url, addresses, subject, deadline);
        Closeable watchdog = deadline.closeOnExpiry(connection);
        try (connection; watchdog) {
            connection.setSoTimeout(deadline.remainingMillis());
            Socket socket = url.https() ? startTls(connection, url) : connection;
            PinnedHttpGet http = new PinnedHttpGet(socket);
            http.send(url, accept);
            Head head = http.readHead();
            if (REDIRECTS.contains(head.status())) {
                String location = head.first("location");
                if (location == null || location.isBlank()) {
                    throw new FetchFailedException(Reason.BAD_RESPONSE, subject + " answered " + head.status()
                            + " without a Location.", null);
                }
                return new Response(null, location);
            }
            if (head.status() != 200) {
                throw new FetchFailedException(Reason.HTTP_STATUS, head.status(),
                        subject + " answered HTTP " + head.status() + ".", null);
            }
            return new Response(acceptImage(http, head, subject), null);
        } catch (ImageFetchException e) {
            throw e;
        } catch (BodyTooLargeException e) {
            throw new FetchRefusedException(FetchRefusedException.Reason.TOO_LARGE,
                    subject + " is " + e.getMessage() + ".");
        } catch (IOException e) {
            // Checked first: the watchdog's close surfaces as whatever the blocked read or handshake made of it.
            if (deadline.expired() || e instanceof SocketTimeoutException) {
                throw timedOut(subject, e);
            }
            if (e instanceof SSLException) {
                throw new FetchFailedException(Reason.TLS, subject + ": TLS with " + url.host() + " failed ("
                        + e.getMessage() + ").", e);
            }
            String problem = e instanceof MalformedResponseException ? "sent a malformed response"
                    : "broke the connection";
            throw new FetchFailedException(Reason.BAD_RESPONSE, subject + " " + problem + " (" + e.getMessage()
                    + ").", e);
        }
    }

    /** Content type from the header, then the body within the limit, then the body's signature against the type. */
    private FetchedImage acceptImage(PinnedHttpGet http, Head head, String subject) throws IOException,
            ImageFetchException {
        String encoding = head.first("content-encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new FetchFailedException(Reason.BAD_RESPONSE, subject + " was sent with Content-Encoding '"
                    + encoding + "' although only identity was accepted.", null);
        }
        Optional<String> declared = ImageTypes.normalize(head.first("content-type"));
        if (declared.isEmpty() || !settings.allowedContentTypes().contains(declared.get())) {
            throw new FetchRefusedException(FetchRefusedException.Reason.NOT_AN_ALLOWED_IMAGE, subject
                    + " is served as '" + declared.orElse("no content type") + "', not one of "
                    + new TreeSet<>(settings.allowedContentTypes()) + ".");
        }
        byte[] body = http.readBody(head, settings.maxBytes());
        Optional<String> actual = ImageTypes.sniff(body);
        if (actual.isEmpty() || !actual.get().equals(declared.get())) {
            throw new FetchRefusedException(FetchRefusedException.Reason.NOT_AN_ALLOWED_IMAGE, subject
                    + " is served as " + declared.get() + " but its bytes are "
                    + actual.map(t -> "a " + t + " image").orElse("not a recognised image") + ".");
        }
        return new FetchedImage(body, declared.get());
    }

    /** Tries the checked addresses in order; every one of them passed the policy. */
    private Socket connect(ImageUrl url, List<InetAddress> addresses, String subject, Deadline deadline)
            throws FetchFailedException {
        IOException last = null;
        for (InetAddress address : addresses) {
            try {
                int timeout = (int) Math.min(settings.connectTimeout().toMillis(), deadline.remainingMillis());
                // An InetSocketAddress built from an InetAddress is never resolved again: this is the pin.
                return connector.connect(new InetSocketAddress(address, url.port()), timeout);
            } catch (IOException e) {
                last = e;
                if (deadline.expired()) {
                    break;
                }
            }
        }
        if (deadline.expired() || last instanceof SocketTimeoutException) {
            throw timedOut(subject, last);
        }
        throw new FetchFailedException(Reason.UNREACHABLE, subject + ": could not connect to " + url.host() + " port "
                + url.port() + (last == null ? "" : " (" + last.getMessage() + ")") + ".", last);
    }

    /**
     * TLS over the pinned connection, checked against the URL's host name: SNI names it, and the certificate must
     * be valid for it (endpoint identification), exactly as if we had connected by name.
     */
    private SSLSocket startTls(Socket connection, ImageUrl url) throws IOException {
        SSLSocket socket = (SSLSocket) tls.createSocket(connection, url.host(), url.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (url.literal() == null) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(url.host())));
            } catch (IllegalArgumentException notAnSniName) {
                // Names SNI cannot carry (underscores): the certificate is still checked against the name.
            }
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private FetchFailedException timedOut(String subject, Throwable cause) {
        return new FetchFailedException(Reason.TIMEOUT, subject + " did not deliver within the "
                + settings.deadline().toMillis() + " ms deadline.", cause);
    }
}
