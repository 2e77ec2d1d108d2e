package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * vLLM's own routes (PROVIDERS.md 7.4): {@code GET /health} answers 200 with an empty body (FastAPI's bare
 * {@code Response()}: no Content-Type either), {@code GET /version}, and {@code GET /v1/models} with vLLM's model
 * card: {@code max_model_len} (the window vLLM enforces), {@code root}, {@code parent}, {@code permission}.
 * Everything else is the OpenAI surface in vLLM's dialect.
 */
final class VllmRoutes {
    private static final byte[] VERSION = "{\"version\":\"0.10.1\"}".getBytes(StandardCharsets.US_ASCII);
    private static final long CREATED = 1_735_142_223L;

    private final FakeUpstream upstream;

    VllmRoutes(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Reply route(HttpRequest req, OpenAiRoutes openAi) {
        boolean get = req.method().equals("GET") || req.method().equals("HEAD");
        String path = req.path();
        if (get && path.equals("/health")) {
            return new Reply.Full(200, null, List.of(), new byte[0]);
        }
        if (get && path.equals("/version")) {
            return Reply.json(200, VERSION);
        }
        if (get && path.equals("/v1/models") && authorized(req)) {
            return models();
        }
        if (!path.startsWith("/v1/")) {
            return ProviderErrors.unknownRoute(Dialect.VLLM, req.method(), path); // the key guards /v1 only
        }
        return openAi.route(req, Dialect.VLLM);
    }

    /** The key check itself is the OpenAI routes'; this only decides whether the listing may answer here. */
    private boolean authorized(HttpRequest req) {
        String required = upstream.requiredKey();
        return required == null || ("Bearer " + required).equals(req.header("authorization"));
    }

    private Reply models() {
        ObjectNode root = Json.object();
        root.put("object", "list");
        var data = root.putArray("data");
        for (String id : upstream.catalog().listed()) {
            ObjectNode m = data.addObject();
            m.put("id", id);
            m.put("object", "model");
            m.put("created", CREATED);
            m.put("owned_by", "vllm");
            m.put("root", id);
            m.putNull("parent");
            m.put("max_model_len", upstream.catalog().advertisedWindow(id));
            ObjectNode p = m.putArray("permission").addObject();
            p.put("id", "modelperm-" + Math.abs(id.hashCode()));
            p.put("object", "model_permission");
            p.put("created", CREATED);
            p.put("allow_create_engine", false);
            p.put("allow_sampling", true);
            p.put("allow_logprobs", true);
            p.put("allow_search_indices", false);
            p.put("allow_view", true);
            p.put("allow_fine_tuning", false);
            p.put("organization", "*");
            p.putNull("group");
            p.put("is_blocking", false);
        }
        return Reply.json(200, Json.bytes(root));
    }
}
