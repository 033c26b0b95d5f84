package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * The HTTP API of real replicas on a real etcd, launched with the image's command line: the role endpoints follow the
 * leadership through a SIGTERM and a SIGKILL, {@code /livez} fails on a deposed leader, {@code /metrics} parses with
 * Prometheus' own parser, and a backup that cannot be written turns {@code /readyz}.
 */
class HttpApiIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final AtomicInteger ELECTIONS = new AtomicInteger();

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-http-" + ELECTIONS.incrementAndGet() + "-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void theRoleEndpointsFollowTheLeaderThroughSigtermAndSigkill() throws Exception {
        HostProcess a = replica("a");
        HostProcess b = replica("b");
        ApiClient apiA = api(a);
        ApiClient apiB = api(b);

        await().atMost(TIMING.startBudget()).until(() -> apiA.status("/leader") == 200 || apiB.status("/leader") == 200);
        ApiClient leader = apiA.status("/leader") == 200 ? apiA : apiB;
        ApiClient standby = leader == apiA ? apiB : apiA;
        HostProcess leaderProcess = leader == apiA ? a : b;
        String leaderId = (leader == apiA ? "a-" : "b-") + election;
        await().atMost(TIMING.startBudget()).until(() -> standby.status("/standby") == 200);
        assertThat(standby.status("/leader")).isEqualTo(503);
        assertThat(leader.status("/standby")).isEqualTo(503);
        assertThat(leader.status("/readyz")).isEqualTo(200);
        assertThat(standby.status("/readyz")).isEqualTo(200);
        assertThat(standby.status("/livez")).isEqualTo(200);

        JsonNode status = standby.get("/status").json();
        assertThat(status.at("/replica/role").asText()).isEqualTo("standby");
        assertThat(status.at("/election/leader/id").asText()).isEqualTo(leaderId);
        assertThat(status.at("/election/leader/advertiseUrl").asText()).endsWith(":" + leader.base().getPort());
        assertThat(status.at("/election/waiting/0/advertiseUrl").asText()).endsWith(":" + standby.base().getPort());
        JsonNode leaderStatus = leader.get("/status").json();
        assertThat(leaderStatus.at("/replica/term/fencingToken").asText())
                .isEqualTo(status.at("/election/leader/fencingToken").asText());
        assertThat(leaderStatus.at("/world/tick").asLong()).isNotNegative();
        assertThat(leader.get("/history").json()).hasSize(1);
        assertThat(leader.get("/history").json().at("/0/end").asText()).isEqualTo("leading");
        assertThat(standby.get("/history").json()).isEmpty();

        leaderProcess.sigterm();

        await().atMost(TIMING.eventBudget()).until(() -> standby.status("/leader") == 200);
        assertThat(leaderProcess.awaitExit(TIMING.eventBudget())).as(leaderProcess.output()).contains(0);

        HostProcess c = replica("c");
        ApiClient apiC = api(c);
        await().atMost(TIMING.startBudget()).until(() -> apiC.status("/standby") == 200);
        HostProcess secondLeader = standby == apiA ? a : b;

        secondLeader.kill();

        await().atMost(TIMING.scaled(TTL.plus(TIMING.eventBudget()))).until(() -> apiC.status("/leader") == 200);
        JsonNode history = apiC.get("/history").json();
        assertThat(history).hasSize(1);
    }

    @Test
    void metricsParseWithPrometheusOwnParserAndOnlyTheLeaderCountsAsLeader() throws Exception {
        String python = parser();
        HostProcess a = replica("a");
        HostProcess b = replica("b");
        ApiClient apiA = api(a);
        ApiClient apiB = api(b);
        await().atMost(TIMING.startBudget()).until(() -> (apiA.status("/leader") == 200
                && apiB.status("/standby") == 200) || (apiB.status("/leader") == 200 && apiA.status("/standby") == 200));
        ApiClient leader = apiA.status("/leader") == 200 ? apiA : apiB;
        ApiClient standby = leader == apiA ? apiB : apiA;

        PrometheusText first = scrape(python, leader);
        PrometheusText other = scrape(python, standby);

        assertThat(first.value("vvmhost_leader")).contains(1.0);
        assertThat(other.value("vvmhost_leader")).contains(0.0);
        assertThat(first.value("vvmhost_ready")).contains(1.0);
        assertThat(other.value("vvmhost_ready")).as("a ready standby").contains(1.0);
        assertThat(first.value("vvmhost_fencing_token")).hasValueSatisfying(t -> assertThat(t).isPositive());
        assertThat(first.value("vvmhost_leadership_transitions_total", Map.of("reason", "acquired"))).contains(1.0);
        assertThat(other.value("vvmhost_leadership_transitions_total", Map.of("reason", "acquired"))).contains(0.0);
        assertThat(first.family("vvmhost_world_tick_duration_seconds")).hasValueSatisfying(
                f -> assertThat(f.type()).isEqualTo("histogram"));
        assertThat(first.family("vvmhost_leadership_transitions")).hasValueSatisfying(
                f -> assertThat(f.type()).isEqualTo("counter"));
        for (String name : List.of("vvmhost_world_tick", "vvmhost_world_entities", "vvmhost_world_backup_age_seconds",
                "vvmhost_world_backup_age_ticks", "vvmhost_cluster_container_restarts", "jvm_memory_used_bytes",
                "process_cpu_usage")) {
            assertThat(first.family(name)).as(name).hasValueSatisfying(f -> assertThat(f.type()).isEqualTo("gauge"));
        }
        for (String name : List.of("vvmhost_world_late_ticks", "vvmhost_world_backups_failed",
                "vvmhost_fenced_writes_refused", "vvmhost_http_requests", "vvmhost_http_errors")) {
            assertThat(first.family(name)).as(name).hasValueSatisfying(f -> assertThat(f.type()).isEqualTo("counter"));
        }
        assertThat(first.value("vvmhost_world_entities")).contains(10_000.0);
        assertThat(first.value("vvmhost_cluster_containers", Map.of("phase", "running")))
                .hasValueSatisfying(n -> assertThat(n).isPositive());
        assertThat(other.value("vvmhost_cluster_containers", Map.of("phase", "running"))).contains(0.0);
        assertThat(first.value("vvmhost_world_backups_failed_total", Map.of("reason", "io"))).contains(0.0);
        double ticks = first.value("vvmhost_world_tick_duration_seconds_count").orElseThrow();
        double tick = first.value("vvmhost_world_tick").orElseThrow();
        assertThat(other.value("vvmhost_world_tick")).hasValueSatisfying(t -> assertThat(t).isNaN());

        for (String name : List.of("vvmhost_lease_keepalive_duration_seconds",
                "vvmhost_leadership_campaign_wait_seconds")) {
            assertThat(first.family(name)).as(name)
                    .hasValueSatisfying(f -> assertThat(f.type()).isEqualTo("histogram"));
        }
        assertThat(first.family("vvmhost_lease_keepalive_failures")).hasValueSatisfying(
                f -> assertThat(f.type()).isEqualTo("counter"));
        assertThat(first.value("vvmhost_leadership_campaign_wait_seconds_count")).contains(1.0);
        assertThat(other.value("vvmhost_leadership_campaign_wait_seconds_count")).contains(0.0);
        double renewDeadline = TTL.toMillis() * 2 / 3 / 1000.0;
        assertThat(first.value("vvmhost_lease_renew_deadline_slack_seconds")).hasValueSatisfying(
                slack -> assertThat(slack).isBetween(0.0, renewDeadline));
        assertThat(other.value("vvmhost_lease_renew_deadline_slack_seconds")).as("no term")
                .hasValueSatisfying(slack -> assertThat(slack).isNaN());

        await().atMost(TIMING.eventBudget()).until(() -> scrape(python, leader)
                .value("vvmhost_world_tick_duration_seconds_count").orElseThrow() > ticks);
        PrometheusText later = scrape(python, leader);
        for (PrometheusText replica : List.of(later, scrape(python, standby))) {
            assertThat(replica.value("vvmhost_lease_keepalive_duration_seconds_count")).as("leader and standby renew")
                    .hasValueSatisfying(n -> assertThat(n).isPositive());
        }
        assertThat(later.value("vvmhost_world_tick").orElseThrow()).isGreaterThan(tick);
        assertThat(later.value("vvmhost_http_requests_total", Map.of("endpoint", "/metrics", "status", "200")))
                .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(2));
    }

    @Test
    void livezFailsOnADeposedLeaderBeforeItExits() throws Exception {
        HostProcess leader = replica("a");
        ApiClient api = api(leader);
        await().atMost(TIMING.startBudget()).until(() -> api.status("/leader") == 200);
        assertThat(api.status("/livez")).isEqualTo(200);

        assertThat(ETCD.getPrefix(election + "/")).as("the term's key").hasSize(1);
        leader.signal("STOP");
        try {
            // Past the TTL: etcd lets the lease expire, and the key of this term goes.
            await().atMost(TIMING.scaled(TTL.plus(TIMING.eventBudget()))).pollInterval(Duration.ofMillis(100))
                    .until(() -> ETCD.getPrefix(election + "/").isEmpty());
        } finally {
            leader.signal("CONT");
        }

        int seen = -1;
        long deadline = System.nanoTime() + TIMING.eventBudget().toNanos();
        while (System.nanoTime() < deadline && leader.isAlive()) {
            seen = api.status("/livez");
            if (seen == 503) {
                break;
            }
        }
        assertThat(seen).as("/livez after the resumed leader found its lease gone:%n%s", leader.output())
                .isEqualTo(503);
        assertThat(leader.awaitExit(TIMING.eventBudget())).as(leader.output()).contains(4);
        assertThat(leader.output()).contains("leadership lost");
    }

    @Test
    void aBackupThatCannotBeWrittenTurnsReadyzAndCountsTheFailure() throws Exception {
        Path views = Files.createDirectory(dir.resolve("views"));
        HostProcess host = start(List.of("run", "--world-store", "file:" + views,
                "--world-set", "world.backup-interval=10"));
        ApiClient api = api(host);
        await().atMost(TIMING.startBudget()).until(() -> api.status("/leader") == 200);
        // The volume goes bad under the leader (the preflight refuses a bad one at start): where its views go is now a
        // regular file, which no one can write into, not even root.
        Files.move(views, dir.resolve("moved-away"));
        Files.writeString(views, "not a directory");

        await().atMost(TIMING.eventBudget()).until(() -> api.status("/readyz") == 503);
        JsonNode readyz = api.get("/readyz").json();
        assertThat(readyz.get("reason").asText()).contains("backups failing", "was not saved (io)");
        assertThat(api.status("/leader")).as("it still leads").isEqualTo(200);
        assertThat(api.status("/livez")).as("a failing store is no reason to restart").isEqualTo(200);
        JsonNode backups = api.get("/status").json().at("/world/backups");
        assertThat(backups.get("healthy").asBoolean()).isFalse();
        assertThat(backups.at("/lastFailure/reason").asText()).isEqualTo("io");
        String metrics = api.get("/metrics").body();
        assertThat(metrics).containsPattern("vvmhost_world_backups_failed_total\\{reason=\"io\"} [1-9]");
    }

    @Test
    void aPortInUseExitsSevenBeforeCampaigning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostProcess host = start(List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--election",
                    election, "--http-host", "127.0.0.1", "--http-port", Integer.toString(taken.getLocalPort())));

            assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(7);
            assertThat(host.output()).contains("the HTTP API cannot listen on 127.0.0.1, port "
                    + taken.getLocalPort(), "--http-port").doesNotContain("campaigning", "\tat ");
        }
        EtcdSettings etcd = new EtcdSettings(List.of(ETCD.endpoint()), election, LeaseSettings.defaults(),
                java.util.Optional.empty(), java.util.Optional.empty());
        assertThat(EtcdLeaderships.status(etcd).leader()).as("nobody campaigned").isEmpty();
    }

    @Test
    void aBadAdvertiseUrlExitsTwoNamingTheOption() throws Exception {
        HostProcess host = start(List.of("run", "--advertise-url", "ftp://somewhere"));

        assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(2);
        assertThat(host.output()).contains("Invalid value for option '--advertise-url'", "http://")
                .doesNotContain("Exception", "leadership acquired");
    }

    @Test
    void theImagesHealthcheckAsksLivez() throws Exception {
        HostProcess host = start(List.of("run"));
        ApiClient api = api(host);
        await().atMost(TIMING.startBudget()).until(() -> api.status("/livez") == 200);
        assertThat(image.healthcheck()).as("the Dockerfile's HEALTHCHECK").isNotEmpty();

        HostProcess probe = HostProcess.start(image.healthcheck(),
                Map.of("VVM_HTTP_PORT", Integer.toString(api.base().getPort())));
        started.add(probe);
        assertThat(probe.awaitExit(TIMING.startBudget())).as(probe.output()).contains(0);
        assertThat(probe.output()).contains("200 ", "/livez");

        host.sigterm();
        assertThat(host.awaitExit(TIMING.eventBudget())).as(host.output()).contains(0);
        HostProcess refused = HostProcess.start(image, List.of("probe", "--http-port",
                Integer.toString(api.base().getPort())), Map.of());
        started.add(refused);
        assertThat(refused.awaitExit(TIMING.startBudget())).as(refused.output()).contains(1);
        assertThat(refused.output()).contains("no answer");
    }

    private PrometheusText scrape(String python, ApiClient api) throws Exception {
        ApiClient.Answer answer = api.get("/metrics");
        assertThat(answer.status()).isEqualTo(200);
        return PrometheusText.parse(python, answer.body());
    }

    private static String parser() {
        var python = PrometheusText.interpreter();
        if (python.isEmpty()) {
            String message = "no Prometheus text-format parser: apt-get install python3-prometheus-client";
            if ("1".equals(System.getenv(PrometheusText.REQUIRE))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        return python.get();
    }

    private ApiClient api(HostProcess host) throws InterruptedException {
        return new ApiClient(host.apiUrl(TIMING.startBudget()).orElseThrow(
                () -> new AssertionError("no 'HTTP API listening' line:\n" + host.output())));
    }

    private HostProcess replica(String name) {
        return start(List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--election", election,
                "--instance-id", name + "-" + election, "--lease-ttl", TTL.toSeconds() + "s",
                "--world-set", "world.backup-interval=20"));
    }

    private HostProcess start(List<String> args) {
        HostProcess host = HostProcess.start(image, args);
        started.add(host);
        return host;
    }
}
