package ai.aideon.testkit;

/**
 * A request the provider would reject with 400. Carries the OpenAI-style {@code param}/{@code code} so each
 * dialect can render it in its own envelope.
 */
final class BadRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String param;
    private final String code;

    BadRequestException(String message, String param, String code) {
        super(message, null, false, false); // control flow, no stack trace needed
        this.param = param;
        this.code = code;
    }

    static BadRequestException malformedJson() {
        return new BadRequestException("We could not parse the JSON body of your request. (HINT: This likely means "
                + "you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                + "sent was not valid JSON.)", null, null);
    }

    static BadRequestException missing(String param) {
        return new BadRequestException("Missing required parameter: '" + param + "'.", param,
                "missing_required_parameter");
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }
}
