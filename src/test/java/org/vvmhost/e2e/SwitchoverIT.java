package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * Planned switchovers of real replicas on a real etcd, through the command and the HTTP API: what is refused changes
 * nothing (same leader, same fencing token), and four switchovers in a row (by name and to the next in line, each by
 * the command and by the API) keep both processes running, lose no tick (each successor restores the tick its
 * predecessor stopped at) and keep the world identical to an uninterrupted run on the embedded default.
 */
class SwitchoverIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final String TOKEN = "s3cret-switchover-token";
    private static final AtomicInteger ELECTIONS = new AtomicInteger();

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-switchover-" + ELECTIONS.incrementAndGet() + "-"
            + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void refusedSwitchoversChangeNothingAndFourInARowLoseNoTickAndKeepTheWorld() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        List<String> world = List.of("--world-set", "world.backup-interval=20");
        List<String> referenceArgs = new ArrayList<>(List.of("run", "--instance-id", "reference-" + election));
        referenceArgs.addAll(world);
        HostProcess reference = start(referenceArgs);
        RunningReplica a = replica("a", token, world);
        RunningReplica b = replica("b", token, world);

        RunningReplica leader = awaitRoles(a, b);
        RunningReplica standby = leader == a ? b : a;
        String firstToken = fencingToken(leader);

        // Refused: no token, a wrong token, an unknown candidate (command and API). Nothing changes.
        assertThat(post(leader, "", null).status()).isEqualTo(401);
        assertThat(post(leader, "", "not-" + TOKEN).status()).isEqualTo(401);
        ApiClient.Answer unknown = post(leader, "{\"to\": \"nobody\"}", TOKEN);
        assertThat(unknown.status()).isEqualTo(409);
        assertThat(unknown.json().get("message").asText()).contains("no candidate 'nobody'", "nothing changed");
        HostProcess refused = command(token, "--to", "nobody");
        assertThat(refused.awaitExit(TIMING.startBudget())).as(refused.output()).contains(8);
        assertThat(refused.output()).contains("switchover refused", "no candidate 'nobody'", standby.id())
                .doesNotContain("\tat ");
        assertThat(leader.api().status("/leader")).isEqualTo(200);
        assertThat(fencingToken(leader)).as("the same term").isEqualTo(firstToken);
        assertThat(standby.api().status("/standby")).isEqualTo(200);

        // 1: the command, to the standby by name.
        HostProcess named = command(token, "--to", standby.id());
        assertThat(named.awaitExit(TIMING.startBudget())).as(named.output()).contains(0);
        assertThat(named.output()).contains("handed over to " + standby.id());
        RunningReplica swapped = awaitRoles(a, b);
        assertThat(swapped).isEqualTo(standby);
        assertThat(fencingToken(swapped)).isNotEqualTo(firstToken);
        leader = swapped;
        standby = leader == a ? b : a;

        // 2: the API, asked of the standby, which points at the leader; a plain switchover to the next in line.
        ApiClient.Answer redirect = post(standby, "", TOKEN);
        assertThat(redirect.status()).isEqualTo(307);
        assertThat(redirect.json().get("leader").asText()).isEqualTo(leader.id());
        URI location = URI.create(redirect.location());
        assertThat(location.getPort()).isEqualTo(leader.api().base().getPort());
        ApiClient.Answer plain = leader.api().send(request(leader.api().base().resolve(location.getPath()), "", TOKEN));
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.json().get("to").asText()).isEqualTo(standby.id());
        leader = awaitRoles(a, b);
        standby = leader == a ? b : a;

        // 3: the API of the leader, by name.
        ApiClient.Answer byName = post(leader, "{\"to\": \"" + standby.id() + "\", \"timeout\": \"20s\"}", TOKEN);
        assertThat(byName.status()).as(byName.body()).isEqualTo(200);
        leader = awaitRoles(a, b);
        assertThat(leader).as("after three switchovers").isEqualTo(standby);
        standby = leader == a ? b : a;

        // 4: the command, to the next in line.
        HostProcess plainCommand = command(token);
        assertThat(plainCommand.awaitExit(TIMING.startBudget())).as(plainCommand.output()).contains(0);
        assertThat(plainCommand.output()).contains("handed over to " + standby.id());
        leader = awaitRoles(a, b);
        assertThat(leader).isEqualTo(standby);

        assertThat(a.process().isAlive() && b.process().isAlive()).as("both processes run on").isTrue();
        JsonNode history = (leader == a ? b : a).api().get("/history").json();
        assertThat(history.at("/0/end").asText()).startsWith("released: switchover to " + leader.id());
        assertThat((leader == a ? b : a).api().get("/metrics").body())
                .contains("vvmhost_leadership_transitions_total{reason=\"switchover\"} 2.0");
        // The newest term's successor has saved a view of its own, so that the logs hold ticks after the last switch.
        long lastRestore = restoresInOrder(a, b).get(3).tick();
        await().atMost(TIMING.eventBudget()).until(() -> log(leader(a, b)).saves().stream()
                .anyMatch(save -> save.tick() > lastRestore && !save.isFinal()));
        // The standby first, so that nobody takes over at the end.
        for (RunningReplica replica : List.of(leader == a ? b : a, leader)) {
            replica.process().sigterm();
            assertThat(replica.process().awaitExit(TIMING.eventBudget())).as(replica.process().output()).contains(0);
        }
        reference.sigterm();
        assertThat(reference.awaitExit(TIMING.eventBudget())).contains(0);

        assertNoTickLost(a, b);
        assertSameWorldAsTheReference(ReplicaLog.of(reference.timedLines()), a, b);
    }

    @Test
    void aSwitchoverAgainstAnEtcdThatDoesNotAnswerSaysSoAndExitsThree() throws Exception {
        // Accepts connections (the kernel's backlog) and never answers, as a hung etcd.
        try (ServerSocket hung = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostProcess command = start(List.of("switchover", "--etcd-endpoints", "http://127.0.0.1:"
                    + hung.getLocalPort(), "--to", "b", "--timeout", "2s"));

            assertThat(command.awaitExit(TIMING.startBudget())).as(command.output()).contains(3);
            assertThat(command.output()).contains("cannot read the election 'vvmhost' from etcd", "within 2s",
                    "did not answer", "--timeout waits longer", "Nothing changed").doesNotContain("\tat ");
        }
    }

    /**
     * Each switchover's successor restored exactly the last tick its predecessor reached: the newest view saved before
     * the restore, which is the predecessor's final backup (or its periodic one, if the world stopped on that tick).
     */
    private static void assertNoTickLost(RunningReplica a, RunningReplica b) {
        List<ReplicaLog.Save> saves = new ArrayList<>();
        List<ReplicaLog.TickHash> stopped = new ArrayList<>();
        for (RunningReplica replica : List.of(a, b)) {
            saves.addAll(log(replica).saves());
            stopped.addAll(log(replica).simulationStops());
        }
        List<ReplicaLog.TickHash> restores = restoresInOrder(a, b);
        assertThat(restores).as("a restore per switchover").hasSize(4);
        for (ReplicaLog.TickHash restore : restores) {
            ReplicaLog.Save newest = saves.stream().filter(save -> save.nanos() < restore.nanos())
                    .max(Comparator.comparingLong(ReplicaLog.Save::nanos)).orElseThrow();
            long reached = stopped.stream().filter(stop -> stop.nanos() < restore.nanos())
                    .max(Comparator.comparingLong(ReplicaLog.TickHash::nanos)).orElseThrow().tick();
            assertThat(restore.tick()).as("the tick restored at a switchover").isEqualTo(newest.tick())
                    .isEqualTo(reached);
            assertThat(restore.hash()).isEqualTo(newest.hash());
        }
    }

    /** Every tick a replica logged (simulated, saved or restored) has the uninterrupted reference's hash. */
    private static void assertSameWorldAsTheReference(ReplicaLog reference, RunningReplica a, RunningReplica b) {
        Map<Long, String> expected = new HashMap<>();
        reference.simulated().forEach(tick -> expected.put(tick.tick(), tick.hash()));
        int compared = 0;
        for (RunningReplica replica : List.of(a, b)) {
            List<ReplicaLog.TickHash> ticks = new ArrayList<>(log(replica).simulated());
            ticks.addAll(log(replica).restores());
            for (ReplicaLog.TickHash tick : ticks) {
                String hash = expected.get(tick.tick());
                if (hash != null) {
                    compared++;
                    assertThat(tick.hash()).as("tick %d on %s", tick.tick(), replica.id()).isEqualTo(hash);
                }
            }
        }
        assertThat(compared).as("ticks both logged").isGreaterThanOrEqualTo(5);
    }

    private static List<ReplicaLog.TickHash> restoresInOrder(RunningReplica a, RunningReplica b) {
        List<ReplicaLog.TickHash> restores = new ArrayList<>(log(a).restores());
        restores.addAll(log(b).restores());
        restores.sort(Comparator.comparingLong(ReplicaLog.TickHash::nanos));
        return restores;
    }

    private static ReplicaLog log(RunningReplica replica) {
        return ReplicaLog.of(replica.process().timedLines());
    }

    private static RunningReplica awaitRoles(RunningReplica a, RunningReplica b) throws Exception {
        return RunningReplica.awaitRoles(a, b, TIMING.startBudget());
    }

    private static RunningReplica leader(RunningReplica a, RunningReplica b) throws InterruptedException {
        return a.api().status("/leader") == 200 ? a : b;
    }

    private static String fencingToken(RunningReplica leader) throws Exception {
        return leader.api().get("/leader").json().get("fencingToken").asText();
    }

    private static ApiClient.Answer post(RunningReplica replica, String body, String token) throws Exception {
        return replica.api().send(request(replica.api().base().resolve("/switchover"), body, token));
    }

    private static HttpRequest request(URI url, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMING.eventBudget())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private HostProcess command(Path token, String... args) {
        List<String> line = new ArrayList<>(List.of("switchover", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--api-token-file", token.toString(), "--timeout", "20s"));
        line.addAll(List.of(args));
        return start(line);
    }

    private RunningReplica replica(String name, Path token, List<String> world) throws InterruptedException {
        String id = name + "-" + election;
        List<String> args = new ArrayList<>(List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--instance-id", id, "--lease-ttl", "2s", "--api-token-file",
                token.toString()));
        args.addAll(world);
        RunningReplica replica = RunningReplica.start(image, args, id, TIMING.startBudget());
        started.add(replica.process());
        return replica;
    }

    private HostProcess start(List<String> args) {
        HostProcess host = HostProcess.start(image, args);
        started.add(host);
        return host;
    }
}
