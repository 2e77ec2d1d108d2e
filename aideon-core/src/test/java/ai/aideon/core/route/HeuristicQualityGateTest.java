package ai.aideon.core.route;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ai.aideon.core.route.Fixtures.answer;
import static ai.aideon.core.route.Fixtures.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HeuristicQualityGateTest {
    final HeuristicQualityGate gate = new HeuristicQualityGate();
    final ChatRequest question = ask("aideon/text", "Explain why the sky is blue.");

    @Test
    void aPlainGoodAnswerScoresOne() {
        QualityVerdict v = gate.assess(question,
                answer("Sunlight scatters off air molecules; shorter blue wavelengths scatter the most."));

        assertThat(v.score()).isEqualTo(1.0);
        assertThat(v.problems()).isEmpty();
    }

    @Test
    void blankOrMissingAnswersScoreZero() {
        assertThat(gate.assess(question, answer("   \n")).score()).isZero();
        assertThat(gate.assess(question, new ChatResponse("x", 1, "m", List.of(), null, null)).score()).isZero();
    }

    @Test
    void truncationCostsHalf() {
        QualityVerdict v = gate.assess(question, answer("Sunlight scatters off air molecules and", "length"));

        assertThat(v.score()).isCloseTo(0.5, within(1e-9));
        assertThat(v.problems()).singleElement().asString().contains("truncated");
    }

    @Test
    void contentFilterCostsHalf() {
        assertThat(gate.assess(question, answer("Partial answer here.", "content_filter")).score())
                .isCloseTo(0.5, within(1e-9));
    }

    @Test
    void refusalPhrasesAndTheRefusalFieldCount() {
        assertThat(gate.assess(question, answer("I’m sorry, but I can’t help with that.")).score())
                .isCloseTo(0.4, within(1e-9)); // typographic apostrophes too
        assertThat(gate.assess(question, answer("As an AI language model, I have no eyes.")).problems())
                .contains("refusal");
        ChatMessage refused = new ChatMessage("assistant", null, null, null, null, "I won't do that.");
        ChatResponse r = new ChatResponse("x", 1, "m", List.of(new ChatChoice(0, refused, "stop")), null, null);
        assertThat(gate.assess(question, r).problems()).containsExactly("refusal");
    }

    @Test
    void aRefusalQuotedDeepInALongAnswerIsNotPenalised() {
        String text = "Here is how polite assistants decline requests. ".repeat(6)
                + "They often say: I can't help with that.";

        assertThat(gate.assess(question, answer(text)).problems()).doesNotContain("refusal");
    }

    @Test
    void jsonModeNeedsStrictJsonObject() {
        ChatRequest json = withFormat(ResponseFormat.jsonObject());

        assertThat(gate.assess(json, answer("{\"sky\": \"blue\", \"why\": [\"rayleigh\"]}")).score()).isEqualTo(1.0);
        assertThat(gate.assess(json, answer("```json\n{\"sky\": \"blue\"}\n```")).score())
                .isCloseTo(0.4, within(1e-9));
        assertThat(gate.assess(json, answer("{\"sky\": \"blue\",}")).problems().get(0)).startsWith("invalid json");
        assertThat(gate.assess(json, answer("[1, 2]")).problems()).containsExactly("invalid json: not an object");
    }

    @Test
    void jsonSchemaRequiredKeysMustBePresent() {
        ChatRequest schema = withFormat(new ResponseFormat("json_schema", "sky",
                "{\"type\":\"object\",\"required\":[\"colour\",\"reason\"],\"properties\":{}}", true));

        QualityVerdict v = gate.assess(schema, answer("{\"colour\": \"blue\"}"));

        assertThat(v.score()).isCloseTo(0.7, within(1e-9));
        assertThat(v.problems()).containsExactly("missing required keys [reason]");
        assertThat(gate.assess(schema, answer("{\"colour\": \"blue\", \"reason\": \"rayleigh\"}")).score())
                .isEqualTo(1.0);
    }

    @Test
    void requiredToolCallThatNeverCameIsPenalised() {
        ChatRequest mustCall = withTools(ToolChoice.of("required"));

        QualityVerdict v = gate.assess(mustCall, answer("It is sunny in Paris."));

        assertThat(v.score()).isCloseTo(0.4, within(1e-9));
        assertThat(v.problems()).containsExactly("no tool call (tool_choice=required)");
    }

    @Test
    void aNamedFunctionMustBeTheOneCalled() {
        ChatRequest named = withTools(ToolChoice.function("get_weather"));

        QualityVerdict wrong = gate.assess(named, toolAnswer(new ToolCall("c1", "get_time", "{}")));
        QualityVerdict right = gate.assess(named, toolAnswer(new ToolCall("c1", "get_weather", "{\"city\":\"Paris\"}")));

        assertThat(wrong.problems()).containsExactly("no call to get_weather");
        assertThat(right.score()).isEqualTo(1.0);
    }

    @Test
    void toolArgumentsMustBeAJsonObject() {
        QualityVerdict v = gate.assess(withTools(ToolChoice.of("auto")),
                toolAnswer(new ToolCall("c1", "get_weather", "{city: Paris}")));

        assertThat(v.score()).isCloseTo(0.5, within(1e-9));
        assertThat(v.problems()).singleElement().asString().contains("get_weather");
    }

    @Test
    void aOneLinerToALongQuestionIsTooShort() {
        ChatRequest longQuestion = ask("aideon/text",
                "Compare the causes of the first and second world wars in detail, covering economics. ".repeat(6));

        QualityVerdict v = gate.assess(longQuestion, answer("Both were bad."));

        assertThat(v.score()).isCloseTo(0.7, within(1e-9));
        assertThat(v.problems()).containsExactly("too short for the question");
        assertThat(gate.assess(question, answer("Rayleigh.")).score()).isEqualTo(1.0); // short Q, short A is fine
    }

    @Test
    void loopingTextIsRepetitive() {
        QualityVerdict v = gate.assess(question, answer("The sky is blue because it is. ".repeat(20)));

        assertThat(v.score()).isCloseTo(0.6, within(1e-9));
        assertThat(v.problems()).containsExactly("repetitive text");
        assertThat(HeuristicQualityGate.isRepetitive("ha".repeat(150))).isTrue();
        assertThat(HeuristicQualityGate.isRepetitive(
                "Sunlight reaches the atmosphere and meets nitrogen and oxygen molecules that are much smaller than "
                        + "its wavelength, so it scatters; the scattering strength grows with the fourth power of "
                        + "frequency, which is why blue light is scattered far more than red light, and why the "
                        + "sky looks blue at noon while sunsets look red.")).isFalse();
    }

    @Test
    void penaltiesAddUpAndTheScoreNeverGoesBelowZero() {
        ChatRequest json = withFormat(ResponseFormat.jsonObject());

        QualityVerdict v = gate.assess(json, answer("I can't help with that, sorry", "length"));

        assertThat(v.problems()).hasSize(3);
        assertThat(v.score()).isZero();
    }

    private ChatRequest withFormat(ResponseFormat format) {
        return new ChatRequest("aideon/text", question.messages(), false, false, null, null, null, null, null, 1,
                null, null, null, format, null, null, false);
    }

    private ChatRequest withTools(ToolChoice choice) {
        return new ChatRequest("aideon/text", List.of(ChatMessage.of("user", "Weather in Paris?")), false, false,
                null, null, null, null, null, 1,
                List.of(new ToolSpec("get_weather", "weather", "{\"type\":\"object\"}", null),
                        new ToolSpec("get_time", "time", "{\"type\":\"object\"}", null)),
                choice, null, null, null, null, false);
    }

    private static ChatResponse toolAnswer(ToolCall call) {
        return new ChatResponse("x", 1, "m", List.of(new ChatChoice(0, ChatMessage.assistant(null, List.of(call)),
                "tool_calls")), null, null);
    }
}
