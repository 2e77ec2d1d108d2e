package ai.aideon.providers.http;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.Secret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMapperTest {
    private static final String KEY = "tgp_v1_verysecretkeyvalue";
    private final ErrorMapper mapper = new ErrorMapper("up", Secret.of(KEY), Clock.systemUTC());

    private ProviderException map(int status, String body) {
        return mapper.fromResponse(status, ResponseHeaders.NONE, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contextLengthInEveryKnownShape() {
        assertThat(map(400, "{\"error\":{\"message\":\"too long\",\"type\":\"invalid_request_error\","
                + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}").kind()).isEqualTo(Kind.CONTEXT_LENGTH);
        assertThat(map(400, "{\"error\":{\"code\":400,\"message\":\"request (13392 tokens) exceeds the available "
                + "context size (8192 tokens), try increasing it\",\"type\":\"exceed_context_size_error\","
                + "\"n_prompt_tokens\":13392,\"n_ctx\":8192}}").kind()).isEqualTo(Kind.CONTEXT_LENGTH);
        assertThat(map(400, "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens. "
                + "However, you requested 5000 tokens\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}")
                .kind()).isEqualTo(Kind.CONTEXT_LENGTH);
    }

    @Test
    void badRequestKeepsParamAndContentPolicyIsItsOwnKind() {
        ProviderException bad = map(400, "{\"error\":{\"message\":\"Invalid 'n'\",\"type\":\"invalid_request_error\","
                + "\"param\":\"n\",\"code\":\"invalid_value\"}}");
        assertThat(bad.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(bad.param()).contains("n");
        assertThat(map(400, "{\"error\":{\"message\":\"rejected\",\"type\":\"invalid_request_error\",\"param\":null,"
                + "\"code\":\"content_policy_violation\"}}").kind()).isEqualTo(Kind.CONTENT_POLICY);
        assertThat(map(422, "{\"error\":{\"message\":\"bad\",\"param\":\"tools\"}}").param()).contains("tools");
        assertThat(map(413, "too big").kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(map(415, "").kind()).isEqualTo(Kind.BAD_REQUEST);
    }

    @Test
    void statusTable() {
        assertThat(map(401, "{\"error\":\"Unauthorized\"}").kind()).isEqualTo(Kind.AUTH);
        assertThat(map(403, "{}").kind()).isEqualTo(Kind.AUTH);
        assertThat(map(402, "{\"error\":{\"message\":\"credit limit\"}}").kind()).isEqualTo(Kind.AUTH);
        assertThat(map(404, "{\"error\":\"model 'x' not found\"}").kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(map(408, "").kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(map(504, "").kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(map(429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}").kind())
                .isEqualTo(Kind.RATE_LIMITED);
        assertThat(map(429, "{\"error\":{\"message\":\"quota\",\"type\":\"insufficient_quota\",\"code\":"
                + "\"insufficient_quota\"}}").kind()).isEqualTo(Kind.AUTH);
        assertThat(map(503, "<html><body>Service Unavailable</body></html>").kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(map(529, "").kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(map(500, "{\"error\":\"llama runner process has terminated\"}").kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(map(502, "bad gateway").kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void nonJsonBodiesBecomeReadableMessages() {
        ProviderException e = map(503, "<html><body><h1>503</h1> Service   Unavailable</body></html>");
        assertThat(e.getMessage()).isEqualTo("up: HTTP 503: 503 Service Unavailable");
    }

    @Test
    void requestIdPrefersXRequestIdThenCfRay() {
        ResponseHeaders cfOnly = TestHeaders.of("CF-Ray", "8abc-SJC");
        assertThat(mapper.fromResponse(500, cfOnly, new byte[0]).getMessage()).contains("[request-id 8abc-SJC]");
    }

    @Test
    void keysAreRedactedFromUpstreamText() {
        ProviderException e = map(401, "{\"error\":{\"message\":\"Key " + KEY + " is invalid; Authorization: Bearer "
                + "abc.def.ghi; also sk-proj-12345678 and 0123456789abcdef0123456789abcdef\"}}");
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("abc.def.ghi").doesNotContain("12345678")
                .doesNotContain("0123456789abcdef0123456789abcdef").contains("Bearer ****");
    }

    @Test
    void inBandErrorsUseNumericCodesOrLabels() {
        ProviderException overloaded = mapper.fromInBand(Json.MAPPER.createObjectNode().set("error",
                Json.MAPPER.createObjectNode().put("message", "busy").put("code", 503)));
        assertThat(overloaded.kind()).isEqualTo(Kind.OVERLOADED);
        ProviderException limited = mapper.fromInBand(Json.MAPPER.createObjectNode().set("error",
                Json.MAPPER.createObjectNode().put("message", "slow").put("type", "rate_limit_exceeded")));
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        ProviderException plain = mapper.fromInBand(Json.MAPPER.createObjectNode().put("error", "unexpected EOF"));
        assertThat(plain.kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void transportFailures() {
        assertThat(mapper.fromIo(new ConnectException("Connection refused"), false).getMessage())
                .contains("connection refused");
        assertThat(mapper.fromIo(new SocketTimeoutException("Read timed out"), false).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(mapper.fromIo(new IOException("closed"), true).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(mapper.fromIo(new IOException("Connection reset"), false).kind()).isEqualTo(Kind.UNAVAILABLE);
    }
}
