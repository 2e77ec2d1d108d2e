package ai.aideon.client.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in config values. A variable that is unset and has no
 * default is an error, because silently using "" for, say, a base URL produces confusing failures later.
 */
final class EnvInterpolator {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private final Function<String, String> env;

    EnvInterpolator(Function<String, String> env) {
        this.env = env;
    }

    /** Returns the interpolated value; throws IllegalArgumentException naming the missing variable. */
    String apply(String value) {
        if (value == null || value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String resolved = env.apply(name);
            if (resolved == null || resolved.isEmpty()) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + name + " is not set");
                }
                resolved = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
