package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.InProcessClusterService;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.service.WorldServiceSettings;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.ProblemKind;
import org.vvmhost.vvm.VvmProblem;

/** The read-only endpoints over the replica's state, driven by the VVM's events on a manual clock. */
class ApiRoutesTest {

    private final ManualClock clock = new ManualClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ReplicaStatus status = new ReplicaStatus(clock, "replica-a", registry);
    private final ApiRoutes routes = new ApiRoutes(status, new ElectionReader(Optional.empty(), "world-1", clock),
            registry, clock, "node-1");
    private final Term term = new FixedTerm(new FencingToken(1, 42), "world-1/7e57");

    @Test
    void aReplicaIsAliveButNotReadyBeforeItLaunches() throws Exception {
        assertThat(status("/livez")).isEqualTo(200);
        assertThat(status("/readyz")).isEqualTo(503);
        assertThat(json("/readyz").get("reason").asText()).contains("not launched");
        assertThat(json("/status").at("/replica/role").asText()).isEqualTo("starting");
    }

    @Test
    void aStandbyHoldingACheckedViewStaysReadyWhileItReadsANewerOne() throws Exception {
        StubPreloader preloader = new StubPreloader();
        status.observe(new Observed(WorldSimulationService.create(WorldServiceSettings.of(WorldConfig.defaults()),
                ComponentSetRegistry.builtIn(), context -> WorldViewStore.file(Path.of("unused")), Optional.empty(),
                clock), Optional.of(preloader), Optional.empty(), InProcessClusterService.create(
                () -> ClusterOptions.threaded(clock), FunctionRegistry.create()), 20));
        status.launched();
        assertThat(status("/standby")).as("nothing read yet").isEqualTo(503);
        assertThat(json("/standby").get("reason").asText()).contains("not preloaded");

        preloader.latest = Optional.of(smallWorldView());
        assertThat(status("/standby")).as("a newer view is being read: the one held still serves a takeover")
                .isEqualTo(200);
        assertThat(status("/readyz")).isEqualTo(200);
    }

    @Test
    void theLeaderEndpointFollowsTheTermAndTheHistoryKeepsItsTimes() throws Exception {
        status.advertise(URI.create("http://node-1:8081"));
        status.launched();
        assertThat(status("/standby")).as("no preloader: nothing to preload").isEqualTo(200);
        clock.advance(Duration.ofSeconds(5));
        status.leadershipAcquired(term);
        assertThat(status("/leader")).as("services not started yet").isEqualTo(503);
        clock.advance(Duration.ofMillis(300));
        status.servicesStarted();

        assertThat(status("/leader")).isEqualTo(200);
        assertThat(json("/leader").get("fencingToken").asText()).isEqualTo("1:42");
        assertThat(status("/standby")).isEqualTo(503);
        JsonNode replica = json("/status").get("replica");
        assertThat(replica.get("role").asText()).isEqualTo("leader");
        assertThat(replica.get("advertiseUrl").asText()).isEqualTo("http://node-1:8081");
        assertThat(json("/status").at("/election/leader/id").asText()).isEqualTo("replica-a");
        assertThat(metrics()).contains("vvmhost_leader 1.0", "vvmhost_fencing_token 42.0",
                "vvmhost_leadership_transitions_total{reason=\"acquired\"} 1.0");

        clock.advance(Duration.ofSeconds(60));
        status.stopRequested("SIGTERM");
        assertThat(status("/readyz")).isEqualTo(503);
        assertThat(status("/livez")).as("a graceful stop is healthy").isEqualTo(200);
        status.leadershipReleased(term);
        status.shutDown();

        JsonNode history = json("/history");
        assertThat(history).hasSize(1);
        assertThat(history.at("/0/from").asText()).isEqualTo(clock.instant().minusSeconds(60).minusMillis(300)
                .toString());
        assertThat(history.at("/0/servicesStarted").asText()).isEqualTo(clock.instant().minusSeconds(60).toString());
        assertThat(history.at("/0/to").asText()).isEqualTo(clock.instant().toString());
        assertThat(history.at("/0/end").asText()).isEqualTo("released");
        assertThat(metrics()).contains("vvmhost_leader 0.0", "vvmhost_fencing_token 0.0",
                "vvmhost_leadership_transitions_total{reason=\"released\"} 1.0");
    }

    @Test
    void aLossOrAFailedServiceFailsLiveness() throws Exception {
        status.launched();
        status.leadershipAcquired(term);
        status.servicesStarted();

        status.leadershipLost(term, new LeadershipLostException("renew deadline passed"));

        assertThat(status("/livez")).isEqualTo(503);
        assertThat(json("/livez").get("reason").asText()).contains("leadership lost: renew deadline passed");
        assertThat(json("/history").at("/0/end").asText()).isEqualTo("lost: renew deadline passed");
        status.failed(new VvmProblem(ProblemKind.LEADERSHIP_LOST, "later", null));
        assertThat(json("/livez").get("reason").asText()).as("the first problem stands").contains("renew deadline");
        assertThat(metrics()).contains("vvmhost_leadership_transitions_total{reason=\"lost\"} 1.0");
    }

    @Test
    void theLeadershipMetersTimeTheCampaignAndShowTheTermsSlack() throws Exception {
        status.launched();
        assertThat(metrics()).contains("vvmhost_lease_renew_deadline_slack_seconds NaN");
        clock.advance(Duration.ofMillis(2500));
        status.leadershipAcquired(new FixedTerm(new FencingToken(1, 42), "world-1/7e57",
                Optional.of(Duration.ofMillis(1250))));

        assertThat(metrics()).contains("vvmhost_lease_renew_deadline_slack_seconds 1.25",
                "vvmhost_leadership_campaign_wait_seconds_count 1", "vvmhost_leadership_campaign_wait_seconds_sum 2.5",
                "vvmhost_leadership_campaign_wait_seconds_bucket{le=\"2.5\"} 1",
                "vvmhost_leadership_campaign_wait_seconds_bucket{le=\"1.0\"} 0");
        status.leadershipReleased(term);
        assertThat(metrics()).contains("vvmhost_lease_renew_deadline_slack_seconds NaN");
    }

    @Test
    void aTermGivenUpInASwitchoverCountsAsSuchAndEndsAsSuchInTheHistory() throws Exception {
        status.launched();
        status.leadershipAcquired(term);
        status.servicesStarted();
        assertThat(status.heldTerm()).contains(term);

        status.switchoverRequested("replica-b");
        assertThat(json("/status").at("/replica/phase").asText()).isEqualTo("switching_over");
        status.leadershipReleased(term);
        status.launched();

        assertThat(json("/history").at("/0/end").asText()).isEqualTo("released: switchover to replica-b");
        assertThat(json("/status").at("/replica/role").asText()).isEqualTo("standby");
        assertThat(status.heldTerm()).isEmpty();
        assertThat(metrics()).contains("vvmhost_leadership_transitions_total{reason=\"switchover\"} 1.0",
                "vvmhost_leadership_transitions_total{reason=\"released\"} 0.0", "vvmhost_leader 0.0");
    }

    @Test
    void unknownPathsAndMethodsAreNamed() {
        HttpApi api = new HttpApi(HttpSettings.loopback(), "node-1", routes.routes(), registry);
        HttpApi.Reply missing = api.answer("GET", "/health", name -> null, 0, limit -> new byte[0]);
        HttpApi.Reply post = api.answer("POST", "/leader", name -> null, 0, limit -> new byte[0]);

        assertThat(missing.status()).isEqualTo(404);
        assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("/livez", "/metrics");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "GET");
    }

    private int status(String path) throws Exception {
        return reply(path).status();
    }

    private JsonNode json(String path) throws Exception {
        return new ObjectMapper().readTree(reply(path).body());
    }

    private String metrics() throws Exception {
        return new String(reply("/metrics").body(), StandardCharsets.UTF_8);
    }

    private HttpApi.Reply reply(String path) throws Exception {
        HttpApi.Route route = routes.routes().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
        return route.endpoint().handle(new HttpApi.Call(MissingNode.getInstance(), name -> null));
    }

    /** A term as the listener sees it: a token, a key and its margin before the renew deadline. */
    private record FixedTerm(FencingToken fencingToken, String leaderKey, Optional<Duration> renewDeadlineSlack)
            implements Term {
        FixedTerm(FencingToken fencingToken, String leaderKey) {
            this(fencingToken, leaderKey, Optional.empty());
        }

        @Override
        public Status status() {
            return Status.LEADING;
        }

        @Override
        public CompletableFuture<LeadershipLostException> lost() {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<Void> release() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> write(List<WriteOp> ops) {
            return CompletableFuture.failedFuture(new IOException("not in this test"));
        }

        @Override
        public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
            return CompletableFuture.failedFuture(new IOException("not in this test"));
        }
    }
    private static WorldView smallWorldView() {
        try (World world = WorldFactory.of(ComponentSetRegistry.builtIn(), WorldRuntime.threads(1))
                .create(WorldConfig.defaults())) {
            return world.snapshot();
        }
    }

    /** A preloader that has read whatever the test says, and is never caught up with a newer manifest. */
    private static final class StubPreloader implements WorldViewPreloader {
        volatile Optional<WorldView> latest = Optional.empty();

        @Override
        public Optional<WorldView> latest() {
            return latest;
        }

        @Override
        public boolean caughtUp() {
            return false;
        }

        @Override
        public StoredWorld stored() {
            return StoredWorld.UNREAD;
        }

        @Override
        public CompletableFuture<Void> changedSince(StoredWorld seen) {
            return new CompletableFuture<>();
        }

        @Override
        public Optional<WorldView> claim() {
            return latest;
        }

        @Override
        public void close() {
        }
    }
}
