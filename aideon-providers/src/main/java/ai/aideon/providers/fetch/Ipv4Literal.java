package ai.aideon.providers.fetch;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * IPv4 hosts the way browsers and the C resolver read them (WHATWG URL "IPv4 parser", inet_aton): one to four
 * dot-separated numbers, each decimal, octal with a leading {@code 0}, or hex with {@code 0x}; the last number fills
 * the remaining bytes. So {@code 2130706433}, {@code 0x7f000001}, {@code 0x7f.1}, {@code 0177.0.0.1} and
 * {@code 127.1} are all 127.0.0.1.
 *
 * <p>Why not {@link InetAddress#getByName}: it reads {@code 0177.0.0.1} as 177.0.0.1 and sends
 * {@code 0x7f000001} to the system resolver, whose inet_aton then says 127.0.0.1. Reading these forms ourselves
 * means the address we check is the one the URL means — and, because we connect to exactly the address we
 * checked, no parser disagreement can lead somewhere unchecked.
 */
final class Ipv4Literal {
    private static final long INVALID = -1;

    private Ipv4Literal() {
    }

    /**
     * True when the host's last label is a number, which makes the whole host an IPv4 literal (valid or not) rather
     * than a DNS name — the WHATWG "ends in a number" rule. A host like that never goes to DNS.
     */
    static boolean endsInNumber(String host) {
        String[] labels = labels(host);
        if (labels.length == 0) {
            return false;
        }
        String last = labels[labels.length - 1];
        if (last.startsWith("0x") || last.startsWith("0X")) {
            // Syntax only, whatever the value: 0x100000000 is an IPv4 literal too large to be valid, not a name.
            return last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80);
        }
        return last.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The address, or empty when the host is not a valid IPv4 literal in any of the accepted notations. */
    static OptionalInt parse(String host) {
        String[] labels = labels(host);
        if (labels.length == 0 || labels.length > 4) {
            return OptionalInt.empty();
        }
        long[] numbers = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            numbers[i] = number(labels[i]);
            if (numbers[i] == INVALID) {
                return OptionalInt.empty();
            }
        }
        long address = 0;
        for (int i = 0; i < numbers.length - 1; i++) {
            if (numbers[i] > 255) {
                return OptionalInt.empty();
            }
            address |= numbers[i] << (8 * (3 - i));
        }
        long last = numbers[numbers.length - 1];
        int bytesLeft = 5 - numbers.length;
        if (last >= 1L << (8 * bytesLeft)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) (address | last));
    }

    static Inet4Address toAddress(int ip) {
        byte[] bytes = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        try {
            // Raw bytes: no lookup happens.
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Dot-separated labels; one trailing dot (a fully qualified name) is dropped, as browsers do. */
    private static String[] labels(String host) {
        String[] labels = host.split("\\.", -1);
        if (labels.length > 1 && labels[labels.length - 1].isEmpty()) {
            labels = Arrays.copyOf(labels, labels.length - 1);
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                return new String[0];
            }
        }
        return labels;
    }

    /** One label as a number: {@code 0x…} hex, {@code 0…} octal, else decimal; {@link #INVALID} if none. */
    private static long number(String label) {
        int radix = 10;
        String digits = label;
        if (label.startsWith("0x") || label.startsWith("0X")) {
            radix = 16;
            digits = label.substring(2);
        } else if (label.length() > 1 && label.charAt(0) == '0') {
            radix = 8;
            digits = label.substring(1);
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = Character.digit(digits.charAt(i), radix);
            if (digit < 0 || digits.charAt(i) > 'z') {
                return INVALID;
            }
            value = value * radix + digit;
            if (value > 0xFFFF_FFFFL) {
                return INVALID; // also keeps absurdly long labels from overflowing
            }
        }
        return value; // "0x" alone is 0, as in browsers
    }
}
