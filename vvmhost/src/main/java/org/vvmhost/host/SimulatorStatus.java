package org.vvmhost.host;

import io.micrometer.core.instrument.Gauge;
import java.util.List;
import java.util.Optional;
import org.vvmhost.services.world.authority.SimulatorRegistration;

/**
 * What a simulator process's probes answer: {@code /livez} while it has not lost its registration, {@code /readyz}
 * while it is registered and not stopping, and {@code /status} with its registration.
 */
final class SimulatorStatus {

    /** One consistent reading: the registration while registered, why it stopped once stopping. */
    private record State(Optional<SimulatorRegistration> registration, String lease, Optional<String> stopping) {
    }

    private final String id;
    private volatile State state = new State(Optional.empty(), null, Optional.empty());

    SimulatorStatus(String id) {
        this.id = id;
    }

    void registered(SimulatorRegistration registration, String lease) {
        state = new State(Optional.of(registration), lease, Optional.empty());
    }

    void stopping(String reason) {
        state = new State(state.registration(), state.lease(), Optional.of(reason));
    }

    Probes.Verdict ready() {
        State now = state;
        if (now.stopping().isPresent()) {
            return new Probes.Verdict(false, "stopping: " + now.stopping().get());
        }
        return now.registration().isPresent() ? new Probes.Verdict(true, "registered on lease " + now.lease())
                : new Probes.Verdict(false, "starting: not registered in etcd yet");
    }

    Probes.Verdict live() {
        Optional<String> stopping = state.stopping();
        return stopping.filter(reason -> reason.startsWith("registration lost"))
                .map(reason -> new Probes.Verdict(false, reason)).orElse(new Probes.Verdict(true, "alive"));
    }

    /** The simulator's routes: probes, status and metrics, on the HTTP API that {@code run} serves too. */
    List<HttpApi.Route> routes(HostMetrics metrics) {
        Gauge.builder("vvmhost.ready", this, s -> s.ready().ok() ? 1 : 0)
                .description("1 while /readyz answers 200: the simulator is registered and not stopping")
                .register(metrics.registry());
        return List.of(
                HttpApi.Route.get("/livez", call -> probe(live())),
                HttpApi.Route.get("/readyz", call -> probe(ready())),
                HttpApi.Route.get("/status", call -> HttpApi.Reply.json(200, new StatusView(id,
                        state.registration().orElse(null), state.lease(), ready().reason()))),
                HttpApi.Route.get("/metrics", call -> ApiRoutes.metrics(metrics.registry(),
                        call.header().apply("Accept"))));
    }

    private static HttpApi.Reply probe(Probes.Verdict verdict) {
        return HttpApi.Reply.json(verdict.status(), new ApiRoutes.ProbeView(verdict.ok() ? "ok" : "unavailable",
                verdict.reason(), "simulator", null));
    }

    record StatusView(String id, SimulatorRegistration registration, String lease, String state) {
    }
}
