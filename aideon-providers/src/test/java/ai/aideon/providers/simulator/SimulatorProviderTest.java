package ai.aideon.providers.simulator;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.core.route.TokenCounter;
import ai.aideon.providers.TestCalls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static ai.aideon.providers.TestCalls.call;
import static ai.aideon.providers.TestCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(10)
class SimulatorProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TokenCounter COUNTER = TokenCounter.cl100k();
    private static final String MODEL = "llama3.1:8b";

    private static SimulatorProvider simulator(long seed) {
        return new SimulatorProvider(SimulatorSettings.instant("local", seed), Pause.none());
    }

    private static SimulatorProvider simulator(long seed, SimulatorSettings.ModelBehaviour behaviour) {
        return new SimulatorProvider(new SimulatorSettings("local", seed, Duration.ZERO, Duration.ZERO,
                Map.of(SimulatorSettings.ANY_MODEL, behaviour)), Pause.none());
    }

    private static ChatRequest question(String text) {
        return user(text).build();
    }

    @Test
    void sameQuestionSameAnswerDifferentQuestionDifferentAnswer() throws Exception {
        ChatResponse a = simulator(42).chat(call(question("How does photosynthesis work in plants?"), MODEL));
        ChatResponse b = simulator(42).chat(call(question("How does photosynthesis work in plants?"), MODEL));
        ChatResponse other = simulator(42).chat(call(question("Explain kubernetes networking"), MODEL));
        ChatResponse otherSeed = simulator(43).chat(call(question("How does photosynthesis work in plants?"), MODEL));
        ChatResponse requestSeed = simulator(42).chat(call(user("How does photosynthesis work in plants?").seed(9)
                .build(), MODEL));

        assertThat(a.firstText()).isEqualTo(b.firstText());
        assertThat(a.id()).isEqualTo(b.id());
        assertThat(other.firstText()).isNotEqualTo(a.firstText());
        assertThat(otherSeed.firstText()).isNotEqualTo(a.firstText());
        assertThat(requestSeed.firstText()).isNotEqualTo(a.firstText());
    }

    @Test
    void answerIsAboutTheTopicAndSizedLikeAShortReply() throws Exception {
        ChatRequest r = question("How does photosynthesis work in plants?");
        ChatResponse resp = simulator(1).chat(call(r, MODEL));

        assertThat(resp.firstText()).startsWith("Here is a short answer about photosynthesis, work and plants:");
        assertThat(resp.firstText()).matches("[A-Za-z ,.:]+");
        assertThat(resp.usage().completionTokens()).isBetween(40L, 140L)
                .isEqualTo(COUNTER.count(resp.firstText()));
        assertThat(resp.usage().promptTokens()).isEqualTo(COUNTER.countPrompt(r));
        assertThat(resp.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(resp.model()).isEqualTo(MODEL);
    }

    @Test
    void maxTokensCutsWithLength() throws Exception {
        ChatResponse r = simulator(1).chat(call(user("Tell me about volcanoes").maxTokens(7).build(), MODEL));
        assertThat(r.usage().completionTokens()).isEqualTo(7);
        assertThat(COUNTER.count(r.firstText())).isEqualTo(7);
        assertThat(r.choices().get(0).finishReason()).isEqualTo("length");
    }

    @Test
    void stopSequencesCutTheText() throws Exception {
        ChatResponse r = simulator(1).chat(call(user("Tell me about volcanoes").stop(":").build(), MODEL));
        assertThat(r.firstText()).isEqualTo("Here is a short answer about volcanoes");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void severalChoicesDiffer() throws Exception {
        ChatResponse r = simulator(1).chat(call(user("Tell me about volcanoes").n(3).build(), MODEL));
        assertThat(r.choices()).extracting(c -> c.index()).containsExactly(0, 1, 2);
        assertThat(r.choices().stream().map(c -> c.message().text()).distinct()).hasSize(3);
        long total = r.choices().stream().mapToLong(c -> COUNTER.count(c.message().text())).sum();
        assertThat(r.usage().completionTokens()).isEqualTo(total);
    }

    @Test
    void toolsAreCalledWithRequiredArguments() throws Exception {
        ToolSpec search = new ToolSpec("search", null, "{\"type\":\"object\",\"properties\":{\"query\":"
                + "{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},\"required\":[\"query\",\"limit\"]}", null);
        ChatResponse auto = simulator(1).chat(call(user("What is the weather in Paris").tools(TestCalls.WEATHER,
                search).build(), MODEL));
        ChatResponse forced = simulator(1).chat(call(user("find volcanoes").tools(TestCalls.WEATHER, search)
                .toolChoice(ToolChoice.function("search")).build(), MODEL));
        ChatResponse none = simulator(1).chat(call(user("hi there").tools(TestCalls.WEATHER)
                .toolChoice(ToolChoice.of("none")).build(), MODEL));

        ToolCall first = auto.choices().get(0).message().toolCalls().get(0);
        assertThat(first.name()).isEqualTo("get_weather");
        assertThat(first.id()).startsWith("call_");
        JsonNode args = JSON.readTree(first.argumentsJson());
        assertThat(args.get("city").asText()).isEqualTo("Weather");
        assertThat(args.has("unit")).isFalse();
        assertThat(auto.choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(auto.choices().get(0).message().content()).isNull();

        JsonNode forcedArgs = JSON.readTree(forced.choices().get(0).message().toolCalls().get(0).argumentsJson());
        assertThat(forcedArgs.get("query").isTextual()).isTrue();
        assertThat(forcedArgs.get("limit").isInt()).isTrue();
        assertThat(none.choices().get(0).message().toolCalls()).isEmpty();
    }

    @Test
    void jsonModesProduceValidJson() throws Exception {
        ChatResponse object = simulator(1).chat(call(user("summarise rivers").format(ResponseFormat.jsonObject())
                .build(), MODEL));
        JsonNode o = JSON.readTree(object.firstText());
        assertThat(o.get("topic").asText()).isEqualTo("summarise and rivers");

        String schema = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},\"score\":"
                + "{\"type\":\"number\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"level\":"
                + "{\"type\":\"string\",\"enum\":[\"low\",\"high\"]},\"meta\":{\"type\":\"object\",\"properties\":"
                + "{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}},\"required\":[\"title\",\"score\",\"tags\","
                + "\"level\",\"meta\"]}";
        ChatResponse structured = simulator(1).chat(call(user("rate rivers").format(
                new ResponseFormat("json_schema", "rating", schema, true)).build(), MODEL));
        JsonNode s = JSON.readTree(structured.firstText());
        assertThat(s.get("title").isTextual()).isTrue();
        assertThat(s.get("score").isNumber()).isTrue();
        assertThat(s.get("tags").isArray()).isTrue();
        assertThat(s.get("level").asText()).isEqualTo("low");
        assertThat(s.at("/meta/ok").isBoolean()).isTrue();
    }

    @Test
    void legacyPromptAnswersToo() throws Exception {
        ChatResponse r = simulator(1).chat(call(user("Once upon a time in a forest").legacy().build(), MODEL));
        assertThat(r.firstText()).contains("forest");
    }

    @Test
    void streamSendsOneContentChunkPerTokenThenFinishThenUsage() throws Exception {
        ChatRequest r = user("How do volcanoes erupt?").stream().build();
        SimulatorProvider sim = simulator(5);
        List<ChatChunk> chunks = TestCalls.drain(sim.stream(call(r, MODEL)));
        ChatResponse full = sim.chat(call(r, MODEL));

        long contentChunks = chunks.stream().flatMap(c -> c.choices().stream())
                .filter(d -> d.content() != null && !d.content().isEmpty()).count();
        ChatChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(contentChunks).isEqualTo(usage.usage().completionTokens());
        assertThat(TestCalls.text(chunks)).isEqualTo(full.firstText());
        assertThat(chunks.get(0).choices().get(0).role()).isEqualTo("assistant");
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void toolCallsStreamLikeOpenAi() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(simulator(1).stream(call(user("weather in Oslo").tools(
                TestCalls.WEATHER).stream().build(), MODEL)));

        List<ToolCallDelta> deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(d -> d.toolCalls().stream()).toList();
        assertThat(deltas.get(0).id()).startsWith("call_");
        assertThat(deltas.get(0).name()).isEqualTo("get_weather");
        assertThat(deltas.subList(1, deltas.size())).allSatisfy(d -> assertThat(d.id()).isNull());
        assertThat(JSON.readTree(TestCalls.toolArguments(chunks)).has("city")).isTrue();
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ChoiceDelta::finishReason)
                .filter(f -> f != null)).containsExactly("tool_calls");
    }

    @Test
    void latencyIsFirstTokenPlusExtraThenPerToken() throws Exception {
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        SimulatorProvider sim = new SimulatorProvider(new SimulatorSettings("together", 1, Duration.ofMillis(200),
                Duration.ofMillis(20), Map.of("slow", new SimulatorSettings.ModelBehaviour(0, 0,
                Duration.ofMillis(100)))), pauses::add);
        List<ChatChunk> chunks = TestCalls.drain(sim.stream(call(user("hello").maxTokens(3).stream().build(), "slow")));

        assertThat(chunks).hasSize(5);
        assertThat(pauses).containsExactly(Duration.ofMillis(300), Duration.ofMillis(20), Duration.ofMillis(20),
                Duration.ZERO, Duration.ZERO);
        pauses.clear();
        sim.chat(call(user("hello").maxTokens(3).build(), "slow"));
        assertThat(pauses).containsExactly(Duration.ofMillis(340));
    }

    @Test
    void waitsLongerThanTheTimeoutEndInTimeout() {
        List<Duration> pauses = new ArrayList<>();
        SimulatorProvider sim = new SimulatorProvider(new SimulatorSettings("local", 1, Duration.ofSeconds(30),
                Duration.ZERO, Map.of()), pauses::add);
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> sim.chat(call(question("hi"), MODEL, Duration.ofMillis(50))));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(pauses).containsExactly(Duration.ofMillis(50));
    }

    @Test
    void errorRateFollowsTheSeededSequence() {
        SimulatorSettings.ModelBehaviour flaky = new SimulatorSettings.ModelBehaviour(0.5, 0, Duration.ZERO);
        List<Boolean> first = outcomes(simulator(7, flaky));
        List<Boolean> second = outcomes(simulator(7, flaky));
        assertThat(first).isEqualTo(second);
        assertThat(first).contains(true, false);
        long failures = first.stream().filter(ok -> !ok).count();
        assertThat(failures).isBetween(15L, 45L);
    }

    private static List<Boolean> outcomes(SimulatorProvider sim) {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            try {
                sim.chat(call(question("q"), MODEL));
                out.add(true);
            } catch (ProviderException e) {
                assertThat(e.kind()).isEqualTo(Kind.OVERLOADED);
                assertThat(e.upstreamStatus()).isEqualTo(503);
                out.add(false);
            }
        }
        return out;
    }

    @Test
    void midStreamFailureBreaksAfterSomeChunks() throws Exception {
        SimulatorProvider sim = simulator(3, new SimulatorSettings.ModelBehaviour(0, 1.0, Duration.ZERO));
        ChatStream stream = sim.stream(call(user("tell me about rivers").stream().build(), MODEL));
        int delivered = 0;
        ProviderException failure = null;
        try {
            while (stream.next() != null) {
                delivered++;
            }
        } catch (ProviderException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("simulated upstream dropped the stream");
        assertThat(delivered).isPositive();
    }

    @Test
    void downSwitchRefusesCallsAndBreaksOpenStreams() throws Exception {
        SimulatorProvider sim = simulator(1);
        ChatStream open = sim.stream(call(user("tell me about rivers").stream().build(), MODEL));
        assertThat(open.next()).isNotNull();

        sim.setDown(true);
        assertThat(sim.isDown()).isTrue();
        ProviderException refused = catchThrowableOfType(ProviderException.class,
                () -> sim.chat(call(question("hi"), MODEL)));
        assertThat(refused.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(refused.upstreamStatus()).isZero();
        assertThat(refused.getMessage()).contains("connection refused (simulated engine 'local' is down)");
        assertThat(catchThrowableOfType(ProviderException.class, open::next).kind()).isEqualTo(Kind.UNAVAILABLE);

        sim.setDown(false);
        assertThat(sim.chat(call(question("hi"), MODEL)).choices()).hasSize(1);
    }

    @Test
    void concurrentCallsAreSafeAndDeterministic() throws Exception {
        SimulatorProvider sim = simulator(11);
        String expected = sim.chat(call(question("parallel worlds"), MODEL)).firstText();
        List<Thread> threads = new ArrayList<>();
        List<String> answers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    answers.add(sim.chat(call(question("parallel worlds"), MODEL)).firstText());
                } catch (ProviderException e) {
                    answers.add("failed");
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(answers).hasSize(16).containsOnly(expected);
    }
}
