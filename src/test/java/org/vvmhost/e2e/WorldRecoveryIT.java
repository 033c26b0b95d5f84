package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * The world survives what etcd loses, with real processes against a real etcd: a garbage manifest followed by a
 * leader's crash, and an etcd wiped under a leader and a standby that holds a preloaded view.
 */
class WorldRecoveryIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final AtomicInteger ELECTIONS = new AtomicInteger();
    private static final Pattern SAVED = Pattern.compile("saved world view v\\d+ of tick (\\d+) ");
    private static final Pattern GENERATION = Pattern.compile("/world/g-(\\d+)/");

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-recovery-" + ELECTIONS.incrementAndGet() + "-" + ProcessHandle.current()
            .pid();

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void aGarbageManifestThenALeaderCrashRestoresTheNewestIntactViewAndDeletesNoIntactGeneration() throws Exception {
        // A world view every 60 ticks (3 s): the leader is killed long before it would save again.
        HostProcess leader = replica("leader", "60");
        assertThat(leader.awaitLineContaining("leadership acquired", TIMING.startBudget())).as(leader.output())
                .isPresent();
        HostProcess standby = replica("standby", "60");
        awaitSaves(leader, 2);
        assertThat(standby.awaitLineContaining("standby: preloaded", TIMING.startBudget())).as(standby.output())
                .isPresent();
        // Just after a save, whose line is new: the next one is 3 s away.
        leader.awaitLine(line -> false, Duration.ZERO);
        awaitSaves(leader, 1);

        ETCD.put(election + "-data/world/manifest", "garbage");
        ApiClient standbyApi = new ApiClient(standby.apiUrl(TIMING.startBudget()).orElseThrow());
        await().atMost(TIMING.eventBudget()).until(() -> standbyApi.get("/status").json()
                .at("/storedWorld/manifestDamage").asText().startsWith("world view manifest world/manifest is not "
                        + "valid JSON"));
        leader.kill();

        assertThat(leader.awaitExit(TIMING.eventBudget())).isPresent();
        SortedSet<Long> intact = generations();
        // Each generation's header is written after its last chunk; a save cut short after it is intact too.
        long newest = ETCD.getPrefix(election + "-data/world/g-").stream()
                .filter(kv -> EtcdExtension.text(kv.getKey()).endsWith("/header"))
                .mapToLong(kv -> readJson(EtcdExtension.text(kv.getValue())).get("tick").asLong()).max()
                .orElseThrow();
        assertThat(newest).as("at least the last view the leader logged").isGreaterThanOrEqualTo(lastSaved(leader));
        assertThat(standby.awaitLineContaining("world simulation started at tick " + newest + ":",
                TIMING.startBudget())).as(standby.output()).isPresent();
        assertThat(standby.output()).contains("the world view manifest in leadership data 'world/' is unusable "
                + "(world view manifest world/manifest is not valid JSON").doesNotContain("spawning a fresh world");
        assertThat(standby.awaitLine(line -> SAVED.matcher(line).find(), TIMING.eventBudget())).as(standby.output())
                .hasValueSatisfying(line -> assertThat(line).as("written back at once").contains("of tick " + newest
                        + " "));
        assertThat(intact).as("the leader saved at least twice").hasSizeGreaterThanOrEqualTo(2);
        assertThat(generations()).as("the view written back beside every intact one").containsAll(intact)
                .hasSize(intact.size() + 1);
        assertThat(standby.output()).contains("with a new manifest, over one that could not be used; no stored "
                + "generation was deleted");
    }

    @Test
    void aNewLeaderOnAWipedEtcdRestoresItsPreloadedViewLoudlyAndWritesItBack() throws Exception {
        HostProcess leader = replica("leader", "20");
        awaitSaves(leader, 1);
        HostProcess standby = replica("standby", "20");
        assertThat(standby.awaitLineContaining("standby: preloaded", TIMING.startBudget())).as(standby.output())
                .isPresent();

        ETCD.wipe();

        assertThat(leader.awaitExit(TIMING.startBudget())).as(leader.output()).contains(4);
        long lastOfOldLeader = lastSaved(leader);
        assertThat(standby.awaitLineContaining("world simulation started at tick", TIMING.startBudget()))
                .as(standby.output()).isPresent();
        String line = standby.lines().stream().filter(l -> l.contains("the only surviving copy")).findFirst()
                .orElseThrow(() -> new AssertionError("no line says so: " + standby.output()));
        assertThat(line).contains("ERROR", "no intact world view in leadership data 'world/' (etcd wiped, or "
                + "restored from an older snapshot?); restoring world view v2 of tick");
        long restored = Long.parseLong(line.replaceFirst(".*restoring world view v\\d+ of tick (\\d+) .*", "$1"));
        assertThat(restored).as("the newest view the standby preloaded").isGreaterThan(0)
                .isLessThanOrEqualTo(lastOfOldLeader);
        assertThat(standby.output()).contains("world simulation started at tick " + restored + ":");
        assertThat(standby.awaitLine(l -> SAVED.matcher(l).find(), TIMING.eventBudget())).as(standby.output())
                .hasValueSatisfying(saved -> assertThat(saved).contains("of tick " + restored + " "));
        assertThat(ETCD.get(election + "-data/world/manifest")).as("back in etcd")
                .hasValueSatisfying(kv -> assertThat(EtcdExtension.text(kv.getValue())).contains("\"tick\":"
                        + restored));
    }

    private static JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitSaves(HostProcess host, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            assertThat(host.awaitLine(line -> SAVED.matcher(line).find(), TIMING.startBudget())).as(host.output())
                    .isPresent();
        }
    }

    private static long lastSaved(HostProcess host) {
        long tick = -1;
        for (String line : host.lines()) {
            Matcher matcher = SAVED.matcher(line);
            if (matcher.find()) {
                tick = Long.parseLong(matcher.group(1));
            }
        }
        return tick;
    }

    private SortedSet<Long> generations() {
        SortedSet<Long> generations = new TreeSet<>();
        for (KeyValue kv : ETCD.getPrefix(election + "-data/world/g-")) {
            Matcher matcher = GENERATION.matcher(EtcdExtension.text(kv.getKey()));
            if (matcher.find()) {
                generations.add(Long.parseLong(matcher.group(1)));
            }
        }
        return generations;
    }

    /** A replica of this test's election: lease TTL 2 s, 5000 entities at 20 Hz, a world view every {@code interval}. */
    private HostProcess replica(String id, String interval) {
        return start("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--election", election, "--instance-id",
                id + "-" + election, "--lease-ttl", "2s", "--world-entities", "5000", "--world-set",
                "world.backup-interval=" + interval);
    }

    private HostProcess start(String... args) {
        HostProcess host = HostProcess.start(image, List.of(args));
        started.add(host);
        return host;
    }
}
