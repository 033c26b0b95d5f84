package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The preflight of {@code vvmhost run}, with real processes against a real etcd: each mistake that used to surface only
 * at a failover is refused before the replica campaigns (exit 2, one ERROR line, nothing written to etcd), and a
 * standby whose world config does not match the stored world never leads while a matching one does.
 */
class PreflightIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final AtomicInteger ELECTIONS = new AtomicInteger();

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-preflight-" + ELECTIONS.incrementAndGet() + "-" + ProcessHandle.current()
            .pid();

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void eachMistakeOfTheConfigOrTheStoreExitsTwoBeforeAnythingIsWrittenToEtcd() throws Exception {
        Path regularFile = Files.writeString(dir.resolve("views"), "not a directory");
        HostProcess unknownSet = replica(Map.of(), "--world-set", "world.component-sets.hunger.simulators=1");
        HostProcess tooLarge = replica(Map.of("JAVA_TOOL_OPTIONS", "-Xmx256m"), "--world-entities", "5000000");
        HostProcess notADirectory = replica(Map.of(), "--world-store", "file:" + regularFile);

        assertRefused(unknownSet, "world.component-sets.hunger: unknown component set; the known sets are physics, "
                + "vitality. Enable only known sets under world.component-sets");
        assertRefused(tooLarge, "world.entities: 5000000 entities need about 2.4 GiB of heap (504 bytes each with "
                + "component sets physics, vitality and 1 passive(s) per area), but this JVM may use at most");
        assertThat(tooLarge.output()).contains("(-Xmx). Give the JVM a larger heap, for example "
                + "JAVA_TOOL_OPTIONS=-Xmx");
        assertRefused(notADirectory, "--world-store: the world view directory " + regularFile + " is not writable: "
                + "not a directory");
        assertThat(ETCD.getPrefix(election)).as("nothing written to etcd").isEmpty();
    }

    @Test
    void aMismatchedStandbyNeverLeadsWhileAMatchingOneDoes() throws Exception {
        HostProcess leader = replica(Map.of(), "--instance-id", "leader");
        assertThat(leader.awaitLineContaining("saved world view", TIMING.startBudget())).as(leader.output())
                .isPresent();
        HostProcess mismatched = replica(Map.of(), "--instance-id", "mismatched", "--world-set", "world.seed=7");
        HostProcess matching = replica(Map.of(), "--instance-id", "matching");
        assertThat(matching.awaitLineContaining("waiting for " + election + "/", TIMING.startBudget()))
                .as(matching.output()).isPresent();
        // Started once the replicas wait, so that no more than three JVMs start at once on a small machine.
        HostProcess failing = replica(Map.of(), "--world-set", "world.seed=7", "--fail-on-mismatch");
        HostProcess checkMismatched = replica(Map.of(), "--check", "--world-set", "world.seed=7");
        HostProcess checkMatching = replica(Map.of(), "--check");

        String mismatch = "world.seed: the stored world (the world view of tick ";
        String why = "has world.seed 42, this replica's config has 7; this replica does not campaign while they "
                + "differ. Run it with the config the stored world was written with (world.seed 42); to start a "
                + "fresh world instead, stop every replica and delete the world views (etcdctl del --prefix "
                + election + "-data/world/)";
        assertThat(failing.awaitExit(TIMING.startBudget())).as(failing.output()).contains(2);
        assertThat(failing.output()).contains(mismatch, why).doesNotContain("campaigning for leadership", "\tat ");
        assertThat(checkMismatched.awaitExit(TIMING.startBudget())).as(checkMismatched.output()).contains(2);
        assertThat(checkMismatched.output()).contains(mismatch, why);
        assertThat(checkMatching.awaitExit(TIMING.startBudget())).as(checkMatching.output()).contains(0);
        assertThat(checkMatching.output()).contains("is this config's", "preflight passed: this replica may "
                + "campaign");

        ApiClient mismatchedApi = new ApiClient(mismatched.apiUrl(TIMING.startBudget()).orElseThrow());
        await().atMost(TIMING.startBudget()).until(() -> mismatched.output().contains(mismatch));
        ApiClient.Answer ready = mismatchedApi.get("/readyz");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("reason").asText()).startsWith("not campaigning: " + mismatch).contains(why);
        assertThat(mismatchedApi.get("/livez").status()).as("it stays running").isEqualTo(200);

        leader.kill();

        assertThat(matching.awaitLineContaining("world simulation started at tick", TIMING.startBudget()))
                .as(matching.output()).isPresent();
        assertThat(mismatched.output()).as("it never campaigned").doesNotContain("campaigning for leadership",
                "leadership acquired");
        assertThat(mismatched.lines()).filteredOn(line -> line.contains("ERROR")).as("one ERROR line")
                .singleElement().satisfies(line -> assertThat(line).contains(mismatch));
        assertThat(mismatchedApi.get("/readyz").status()).isEqualTo(503);
        assertThat(mismatched.isAlive()).isTrue();
    }

    private static void assertRefused(HostProcess host, String message) throws InterruptedException {
        assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(2);
        assertThat(host.lines()).filteredOn(line -> line.contains("ERROR")).singleElement()
                .satisfies(line -> assertThat(line).contains(message));
        assertThat(host.output()).contains("exit code 2: usage error: a bad option or value, or a failed preflight "
                + "check (nothing campaigned)").doesNotContain("\tat ", "HTTP API listening", "campaigning");
    }

    /** A replica of this test's election, lease TTL 2 s, 5000 entities unless told, a world view every 20 ticks. */
    private HostProcess replica(Map<String, String> variables, String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--lease-ttl", "2s", "--world-set", "world.backup-interval=20"));
        command.addAll(List.of(args));
        if (!command.contains("--world-entities")) {
            command.addAll(List.of("--world-entities", "5000"));
        }
        Map<String, String> env = new java.util.HashMap<>(variables);
        env.put("VVM_HTTP_PORT", "0");
        HostProcess host = HostProcess.start(image, command, env);
        started.add(host);
        return host;
    }
}
