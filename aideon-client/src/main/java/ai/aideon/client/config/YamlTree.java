package ai.aideon.client.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads from a SnakeYAML node tree that remember line numbers. Every failed read records a
 * {@link ConfigProblem} and returns a fallback, so one pass reports all problems of a file.
 */
final class YamlTree {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String file;
    private final EnvInterpolator env;
    final List<ConfigProblem> problems = new ArrayList<>();

    YamlTree(String file, EnvInterpolator env) {
        this.file = file;
        this.env = env;
    }

    static int line(Node node) {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    void problem(Node at, String message, String fix) {
        problems.add(new ConfigProblem(file, line(at), message, fix));
    }

    /** The entries of a mapping node in file order; records a problem and returns empty when it isn't one. */
    Map<String, Node> map(Node node, String what) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, what + " must be a mapping (key: value lines)", "indent its entries under '" + what + ":'");
            return out;
        }
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.put(k.getValue(), t.getValueNode());
            }
        }
        return out;
    }

    /** Flags keys that are not in {@code allowed}: typos must not be silently ignored. */
    void onlyKeys(Node node, Map<String, Node> entries, String what, Set<String> allowed) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && !allowed.contains(k.getValue())) {
                    problem(t.getKeyNode(), "unknown key '" + k.getValue() + "' in " + what,
                            "use one of: " + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
        }
    }

    List<Node> list(Node node, String what) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(node, what + " must be a list", "write each item on its own line starting with '- '");
            return List.of();
        }
        return seq.getValue();
    }

    /** A scalar as an interpolated string; null when absent. */
    String str(Map<String, Node> m, String key) {
        Node n = m.get(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof ScalarNode s)) {
            problem(n, "'" + key + "' must be a single value", "write it as " + key + ": <value>");
            return null;
        }
        try {
            return env.apply(s.getValue());
        } catch (IllegalArgumentException e) {
            problem(n, "'" + key + "': " + e.getMessage(),
                    "export the variable, or give a default: ${NAME:-default}");
            return null;
        }
    }

    String required(Map<String, Node> m, String key, Node parent, String what) {
        String v = str(m, key);
        if (v == null || v.isBlank()) {
            if (!m.containsKey(key) || v != null) {
                problem(m.getOrDefault(key, parent), what + " needs '" + key + "'", "add '" + key + ": …'");
            }
            return null;
        }
        return v;
    }

    int integer(Map<String, Node> m, String key, int fallback) {
        long v = longValue(m, key, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            problem(m.get(key), "'" + key + "' is too large: " + v, "use a value below " + Integer.MAX_VALUE);
            return fallback;
        }
        return (int) v;
    }

    long longValue(Map<String, Node> m, String key, long fallback) {
        String v = str(m, key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            problem(m.get(key), "'" + key + "' must be a whole number, got '" + v + "'", "e.g. " + key + ": 1000");
            return fallback;
        }
    }

    double decimal(Map<String, Node> m, String key, double fallback) {
        BigDecimal d = money(m, key);
        return d == null ? fallback : d.doubleValue();
    }

    BigDecimal money(Map<String, Node> m, String key) {
        String v = str(m, key);
        if (v == null) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.trim());
            if (d.signum() < 0) {
                problem(m.get(key), "'" + key + "' must not be negative", "use 0 for free");
                return null;
            }
            return d;
        } catch (NumberFormatException e) {
            problem(m.get(key), "'" + key + "' must be a number, got '" + v + "'", "e.g. " + key + ": 0.18");
            return null;
        }
    }

    Duration duration(Map<String, Node> m, String key, Duration fallback) {
        String v = str(m, key);
        if (v == null) {
            return fallback;
        }
        Matcher d = DURATION.matcher(v.trim());
        if (!d.matches()) {
            problem(m.get(key), "'" + key + "' must be a duration like 500ms, 30s, 5m or 1h, got '" + v + "'",
                    "e.g. " + key + ": 30s");
            return fallback;
        }
        long n = Long.parseLong(d.group(1));
        return switch (d.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    boolean bool(Map<String, Node> m, String key, boolean fallback) {
        String v = str(m, key);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        problem(m.get(key), "'" + key + "' must be true or false, got '" + v + "'", key + ": true");
        return fallback;
    }

    /** A list of scalars, e.g. {@code [tools, json]}. */
    List<String> strings(Map<String, Node> m, String key) {
        Node n = m.get(key);
        List<String> out = new ArrayList<>();
        for (Node item : list(n, key)) {
            if (item instanceof ScalarNode s) {
                out.add(env.apply(s.getValue()));
            } else {
                problem(item, "items of '" + key + "' must be plain values", "e.g. " + key + ": [a, b]");
            }
        }
        return out;
    }
}
