package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.LocalEngineStatus;
import ai.aideon.client.config.ProviderConfig;
import ai.aideon.providers.simulator.SimulatorProvider;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.TreeMap;

/** Liveness, provider health, and (demo mode) switching simulated engines off and on to show fallbacks. */
final class OpsHandler {
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final AideonEngine engine;

    OpsHandler(AideonEngine engine) {
        this.engine = engine;
    }

    /** Unauthenticated liveness for load balancers and scripts. */
    void live(ServerRequest req, ServerResponse res, String requestId) {
        Exchange.json(res, 200, OK);
    }

    void health(ServerRequest req, ServerResponse res, String requestId) {
        Auth.require(engine, req);
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("status", "ok");
            g.writeObjectFieldStart("breakers");
            for (Map.Entry<String, String> e : engine.health().snapshot().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("disabled_providers");
            for (Map.Entry<String, String> e : engine.disabledProviders().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("simulators");
            for (Map.Entry<String, SimulatorProvider> e : engine.simulators().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue().isDown() ? "down" : "up");
            }
            g.writeEndObject();
            localEngines(g);
            cloud(g);
            g.writeEndObject();
        }));
    }

    /**
     * {@code "offline"} (the config keeps every request local), {@code "local_only"} (what routing does right now:
     * offline, or no cloud provider answered its last probe), {@code "cloud_reachable":{"<provider>":bool}} (the
     * probes; providers without a network address, like simulators, are not probed) and
     * {@code "providers":{"<name>":{"type","source","enabled"}}}: every configured provider, so a dashboard can list
     * the ones no request has touched yet.
     */
    private void cloud(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        g.writeBooleanField("offline", engine.config().server().offline());
        g.writeBooleanField("local_only", engine.localOnly(false));
        g.writeObjectFieldStart("cloud_reachable");
        for (Map.Entry<String, Boolean> e : new TreeMap<>(engine.cloudReachability()).entrySet()) {
            g.writeBooleanField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("providers");
        for (ProviderConfig pc : new TreeMap<>(engine.config().providers()).values()) {
            g.writeObjectFieldStart(pc.name());
            g.writeStringField("type", pc.settings().type());
            g.writeStringField("source", pc.settings().source().wire());
            g.writeBooleanField("enabled", pc.enabled());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * {@code "local_engines":{"<provider>":{"type","state","detail","last_probe","discovers","models","model_ids",
     * "last_discovery","discovery_error"}}}: what the background probes and model listings last found.
     */
    private void localEngines(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        g.writeObjectFieldStart("local_engines");
        for (LocalEngineStatus s : engine.localEngines()) {
            g.writeObjectFieldStart(s.name());
            g.writeStringField("type", s.type());
            g.writeStringField("state", s.state());
            g.writeStringField("detail", s.detail());
            g.writeStringField("last_probe", s.lastProbe() == null ? null : s.lastProbe().toString());
            g.writeBooleanField("discovers", s.discovers());
            if (s.discovers()) {
                g.writeNumberField("models", s.models().size());
                g.writeArrayFieldStart("model_ids");
                for (String id : s.models()) {
                    g.writeString(id);
                }
                g.writeEndArray();
                g.writeStringField("last_discovery", s.lastDiscovery() == null ? null : s.lastDiscovery().toString());
                g.writeStringField("discovery_error", s.discoveryError());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** {@code POST /aideon/v1/simulator/{provider}/down|up}: demo mode's "pull the plug" switch. */
    void simulator(ServerRequest req, ServerResponse res, String requestId) {
        Auth.require(engine, req);
        String[] parts = req.path().path().split("/");
        // /aideon/v1/simulator/{name}/{state} → ["", "aideon", "v1", "simulator", name, state]
        if (parts.length != 6 || !(parts[5].equals("down") || parts[5].equals("up"))) {
            throw ApiException.invalid(null, "Use POST /aideon/v1/simulator/{provider}/down or …/up.");
        }
        SimulatorProvider sim = engine.simulators().get(parts[4]);
        if (sim == null) {
            throw new ApiException(404, "invalid_request_error", "not_found", "provider", "No simulated provider '"
                    + parts[4] + "'. Simulated: " + engine.simulators().keySet() + " (demo mode only).");
        }
        sim.setDown(parts[5].equals("down"));
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("provider", parts[4]);
            g.writeStringField("state", sim.isDown() ? "down" : "up");
            g.writeEndObject();
        }));
    }
}
