package ai.aideon.store;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the store lives, parsed from the config's {@code store:} value. Credentials are split out of the URL
 * so that nothing we hand to a pool or a log line carries them; {@link #toString()} is safe to log.
 *
 * @param jdbcUrl    the driver URL, without user or password
 * @param sqliteFile the database file (SQLite only)
 */
record StoreLocation(Dialect dialect, String jdbcUrl, String user, String password, Path sqliteFile) {

    static StoreLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("store location is empty");
        }
        String loc = location.strip();
        if (loc.startsWith("jdbc:sqlite:")) {
            return sqlite(loc.substring("jdbc:sqlite:".length()));
        }
        if (loc.startsWith("sqlite:")) {
            return sqlite(loc.substring("sqlite:".length()));
        }
        if (loc.startsWith("postgres://") || loc.startsWith("postgresql://")) {
            return postgresUri(loc);
        }
        if (loc.startsWith("jdbc:postgresql:")) {
            return postgresJdbc(loc);
        }
        throw new IllegalArgumentException("unsupported store location (expected sqlite:<path>, jdbc:sqlite:<path>, "
                + "postgres://…, postgresql://… or jdbc:postgresql://…): " + schemeOf(loc));
    }

    private static StoreLocation sqlite(String rest) {
        String path = rest.startsWith("//") ? rest.substring(2) : rest;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query); // pragmas are ours to choose (WAL, synchronous=FULL), not the URL's
        }
        if (path.isBlank() || path.contains(":memory:") || path.startsWith("file::memory")) {
            // Every pooled connection to :memory: would see its own empty database.
            throw new IllegalArgumentException("sqlite store needs a file path");
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        return new StoreLocation(Dialect.SQLITE, "jdbc:sqlite:" + file, null, null, file);
    }

    /** {@code postgres://user:pass@host:port/db?params}, the libpq / twelve-factor form. */
    private static StoreLocation postgresUri(String loc) {
        URI uri;
        try {
            uri = new URI(loc);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed postgres store location: " + schemeOf(loc));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("postgres store location needs a host");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : percentDecode(userInfo.substring(colon + 1));
        }
        Query q = Query.split(uri.getRawQuery());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String url = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path
                + q.rest();
        return new StoreLocation(Dialect.POSTGRESQL, url, q.user() != null ? q.user() : user,
                q.password() != null ? q.password() : password, null);
    }

    /** {@code jdbc:postgresql://host[:port][,host2…]/db?user=…&password=…}: kept verbatim except credentials. */
    private static StoreLocation postgresJdbc(String loc) {
        int qmark = loc.indexOf('?');
        String base = qmark < 0 ? loc : loc.substring(0, qmark);
        Query q = Query.split(qmark < 0 ? null : loc.substring(qmark + 1));
        String user = q.user();
        String password = q.password();
        int authority = base.indexOf("//");
        int at = authority < 0 ? -1 : base.indexOf('@', authority);
        int slash = authority < 0 ? -1 : base.indexOf('/', authority + 2);
        if (at > 0 && (slash < 0 || at < slash)) { // user:pass@ in a JDBC URL: pgjdbc ignores it, we honour it
            String info = base.substring(authority + 2, at);
            int colon = info.indexOf(':');
            if (user == null) {
                user = percentDecode(colon < 0 ? info : info.substring(0, colon));
            }
            if (password == null && colon >= 0) {
                password = percentDecode(info.substring(colon + 1));
            }
            base = base.substring(0, authority + 2) + base.substring(at + 1);
        }
        return new StoreLocation(Dialect.POSTGRESQL, base + q.rest(), user, password, null);
    }

    /** Safe to log: no user, no password. */
    @Override
    public String toString() {
        return jdbcUrl;
    }

    private static String schemeOf(String loc) {
        int colon = loc.indexOf(':');
        return colon < 0 ? "(no scheme)" : loc.substring(0, colon) + ":…";
    }

    /** RFC 3986 percent-decoding; unlike URLDecoder it leaves '+' alone, which passwords may contain. */
    static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Integer.parseInt(s, i + 1, i + 3, 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** A URL query with {@code user} and {@code password} taken out; {@code rest} is "" or "?a=b&…". */
    private record Query(String user, String password, String rest) {
        static Query split(String rawQuery) {
            if (rawQuery == null || rawQuery.isEmpty()) {
                return new Query(null, null, "");
            }
            String user = null;
            String password = null;
            List<String> kept = new ArrayList<>();
            for (String param : rawQuery.split("&")) {
                int eq = param.indexOf('=');
                String name = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : percentDecode(param.substring(eq + 1));
                switch (name) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> {
                        if (!param.isEmpty()) {
                            kept.add(param);
                        }
                    }
                }
            }
            return new Query(user, password, kept.isEmpty() ? "" : "?" + String.join("&", kept));
        }
    }
}
