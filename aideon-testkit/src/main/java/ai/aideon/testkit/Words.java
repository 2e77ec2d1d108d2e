package ai.aideon.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The fakes' token model: <b>one token = one whitespace-separated word</b>. Real tokenizers differ, but this
 * is deterministic, trivially predictable in assertions ("Echo: hi there" = 3 tokens) and identical across
 * flavours.
 */
final class Words {

    private Words() {}

    static int count(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0, len = text.length(); i < len; i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !inWord) n++;
            inWord = !ws;
        }
        return n;
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int len = text.length();
        int i = 0;
        while (i < len) {
            while (i < len && Character.isWhitespace(text.charAt(i))) i++;
            int start = i;
            while (i < len && !Character.isWhitespace(text.charAt(i))) i++;
            if (i > start) out.add(text.substring(start, i));
        }
        return out;
    }
}
