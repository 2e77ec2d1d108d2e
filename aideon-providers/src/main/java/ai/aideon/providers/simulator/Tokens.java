package ai.aideon.providers.simulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * cl100k tokens of simulated text, the same tokenizer core's TokenCounter uses, so that a simulated stream sends
 * exactly as many content chunks as the usage it reports.
 */
final class Tokens {
    private static final Encoding CL100K =
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private Tokens() {
    }

    static int count(String text) {
        return text == null || text.isEmpty() ? 0 : CL100K.countTokensOrdinary(text);
    }

    /** The first {@code max} tokens of {@code text}. */
    static String truncate(String text, int max) {
        IntArrayList tokens = CL100K.encodeOrdinary(text);
        if (tokens.size() <= max) {
            return text;
        }
        IntArrayList head = new IntArrayList(max);
        for (int i = 0; i < max; i++) {
            head.add(tokens.get(i));
        }
        return CL100K.decode(head);
    }

    /**
     * The text as stream pieces, one per token. A token that ends inside a multi-byte character is merged with the
     * next one so that no piece carries half a character (only possible for non-ASCII input words).
     */
    static List<String> split(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        IntArrayList tokens = CL100K.encodeOrdinary(text);
        List<String> pieces = new ArrayList<>(tokens.size());
        IntArrayList pending = new IntArrayList(2);
        for (int i = 0; i < tokens.size(); i++) {
            pending.add(tokens.get(i));
            byte[] bytes = CL100K.decodeBytes(pending);
            if (completeUtf8(bytes)) {
                pieces.add(new String(bytes, StandardCharsets.UTF_8));
                pending.clear();
            }
        }
        if (!pending.isEmpty()) {
            pieces.add(CL100K.decode(pending));
        }
        return pieces;
    }

    private static boolean completeUtf8(byte[] bytes) {
        int i = bytes.length - 1;
        int continuation = 0;
        while (i >= 0 && (bytes[i] & 0xC0) == 0x80) {
            continuation++;
            i--;
        }
        if (i < 0) {
            return false;
        }
        int lead = bytes[i] & 0xFF;
        int expected = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return continuation == expected;
    }
}
