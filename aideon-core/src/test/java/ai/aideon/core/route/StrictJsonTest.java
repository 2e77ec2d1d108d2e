package ai.aideon.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StrictJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", " {\"a\": [1, -2.5e3, true, false, null, \"x\\n\\u00e9\"]} ", "0", "\"s\"",
            "{\"nested\": {\"deep\": [[{}]]}}"})
    void acceptsValidJson(String text) {
        assertThat(StrictJson.isValid(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{a:1}", "01", "1.", ".5", "-", "NaN",
            "{\"a\":1} extra", "// c\n{}", "\"unterminated", "\"bad \\x escape\"", "tru", "[1 2]", "\"tab\there\""})
    void rejectsInvalidJson(String text) {
        assertThat(StrictJson.isValid(text)).isFalse();
    }

    @Test
    void buildsATreeWithKeysInOrder() {
        Object tree = StrictJson.parse("{\"b\": 1, \"a\": [\"x\", null]}");

        assertThat(tree).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) tree;
        assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("b", "a"));
        assertThat(map.get("b")).isEqualTo(new BigDecimal("1"));
        assertThat(map.get("a")).isEqualTo(List.of("x", StrictJson.NULL));
    }

    @Test
    void deepNestingIsRejectedInsteadOfOverflowingTheStack() {
        assertThat(StrictJson.isValid("[".repeat(10_000) + "]".repeat(10_000))).isFalse();
    }
}
