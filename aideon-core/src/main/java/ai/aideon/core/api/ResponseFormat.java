package ai.aideon.core.api;

/** {@code text}, {@code json_object} or {@code json_schema} (with name, raw JSON schema text and strict flag). */
public record ResponseFormat(String type, String schemaName, String schemaJson, Boolean strict) {
    public static ResponseFormat jsonObject() {
        return new ResponseFormat("json_object", null, null, null);
    }

    public boolean wantsJson() {
        return "json_object".equals(type) || "json_schema".equals(type);
    }
}
