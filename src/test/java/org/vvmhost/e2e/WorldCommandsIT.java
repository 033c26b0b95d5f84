package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * The promise of the world's API, with real processes on a real etcd: a client sends commands at a steady rate to
 * whichever replica leads while the leader is stopped with SIGTERM, then killed with SIGKILL, then paused with SIGSTOP
 * past its lease. Afterwards etcd's history holds every acknowledged command exactly once, at the tick and sequence
 * number its acknowledgement named; its effect is in the last leader's world; and that world's hash is what
 * {@code vvmhost replay} computes from the journal: acknowledged commands lost, 0.
 */
class WorldCommandsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration DWELL = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ELECTIONS = new AtomicInteger();
    /** Physics only: nothing dies, so a spawned entity lives until a command despawns it. */
    private static final String WORLD = """
            world:
              entities: 2000
              areas: {rows: 2, cols: 3}
              tick-rate: 20
              backup-interval: 20
              passives-per-area: 1
              component-sets:
                physics: {simulators: 2}
            """;

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-commands-" + ELECTIONS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    private Path worldConfig;

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void noAcknowledgedCommandIsLostThroughSigtermSigkillAndSigstopOfTheLeader() throws Exception {
        worldConfig = Files.writeString(dir.resolve("world.yaml"), WORLD);
        Map<HostProcess, ApiClient> apis = new ConcurrentHashMap<>();
        HostProcess first = replica("r1", apis);
        await().atMost(TIMING.startBudget()).until(() -> apis.get(first).status("/leader") == 200);
        replica("r2", apis);
        awaitStandbys(apis, 1);

        CommandClient client = new CommandClient(Duration.ofMillis(25));
        apis.values().forEach(api -> client.add(api.base()));
        client.start();
        List<String> faults = new ArrayList<>();
        try {
            for (String fault : List.of("SIGTERM", "SIGKILL", "SIGSTOP")) {
                Thread.sleep(TIMING.scaled(DWELL).toMillis());
                HostProcess leader = leaderOf(apis);
                HostProcess replacement = replica("r" + (started.size() + 1), apis);
                client.add(apis.get(replacement).base());
                awaitStandbys(apis, 2);
                int before = client.acked().size();
                switch (fault) {
                    case "SIGTERM" -> leader.sigterm();
                    case "SIGKILL" -> leader.kill();
                    default -> {
                        leader.signal("STOP");
                        try {
                            // Past the TTL: etcd lets the lease expire and a standby takes over.
                            await().atMost(TIMING.scaled(TTL.plus(TIMING.eventBudget())))
                                    .until(() -> apis.entrySet().stream().anyMatch(api -> api.getKey() != leader
                                            && statusOf(api.getValue(), "/leader") == 200));
                        } finally {
                            leader.signal("CONT");
                        }
                    }
                }
                await().atMost(TIMING.scaled(TTL.plus(TIMING.eventBudget()))).until(() -> leaderOrNull(apis) != null
                        && leaderOrNull(apis) != leader);
                faults.add(fault + " of " + leader.pid());
                try {
                    await().atMost(TIMING.eventBudget()).until(() -> client.acked().size() > before + 10);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("no progress after " + fault + ": " + client.acked().size()
                            + " acknowledged, " + client.retries() + " retries, problems " + client.problems()
                            + "\n" + outputs(), e);
                }
                if (!fault.equals("SIGKILL")) {
                    assertThat(leader.awaitExit(TIMING.eventBudget())).as("%s: %s", fault, leader.output())
                            .contains(fault.equals("SIGTERM") ? 0 : 4);
                }
                apis.remove(leader);
            }
            Thread.sleep(TIMING.scaled(DWELL).toMillis());
        } finally {
            client.close();
        }
        assertThat(client.problems()).isEmpty();
        List<CommandClient.Acked> acked = client.acked();
        assertThat(acked).hasSizeGreaterThan(100);
        assertThat(client.redirects()).as("requests that a standby sent on to the leader").isPositive();

        HostProcess last = leaderOf(apis);
        ApiClient api = apis.get(last);
        WorldConfig config = WorldConfig.parse(WORLD, Map.of());
        CommandCatalog catalog = CommandCatalog.of(config, ComponentSetRegistry.builtIn());
        JournalCodec codec = new JournalCodec(catalog);
        List<String> stored = JournalHistory.entries(ETCD.endpoint(), election, TIMING.eventBudget());
        List<JournalEntry> journal = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            journal.add(codec.decode(stored.get(i).getBytes(StandardCharsets.UTF_8), "stored entry " + i));
        }

        // Every acknowledged command is in the journal exactly once, where its acknowledgement put it.
        Map<Long, Long> tickOfSeq = new HashMap<>();
        Map<Long, WorldCommand> commandOfSeq = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (JournalEntry entry : journal) {
            for (JournalEntry.Batch batch : entry.batches()) {
                assertThat(batch.key() == null || keys.add(batch.key())).as("key %s journaled once", batch.key())
                        .isTrue();
            }
            for (SequencedCommand command : entry.commands()) {
                assertThat(tickOfSeq.put(command.seq(), entry.tick())).as("sequence number %d once", command.seq())
                        .isNull();
                commandOfSeq.put(command.seq(), command.command());
            }
        }
        long lost = 0;
        for (CommandClient.Acked request : acked) {
            for (int i = 0; i < request.commands().size(); i++) {
                long seq = request.seq() + i;
                WorldCommand sent = catalog.parse(request.commands().get(i), "sent", id -> true);
                boolean there = Long.valueOf(request.tick()).equals(tickOfSeq.get(seq))
                        && sent.equals(commandOfSeq.get(seq));
                if (!there) {
                    lost++;
                }
            }
        }
        System.out.printf("%d requests acknowledged (%d commands, %d retries, %d redirects), %d journal entries in "
                        + "etcd's history; faults: %s; acknowledged commands lost: %d%n", acked.size(),
                acked.stream().mapToInt(a -> a.commands().size()).sum(), client.retries(), client.redirects(),
                journal.size(), faults, lost);
        assertThat(lost).as("acknowledged commands lost").isZero();

        // Their effects are in the last leader's world: spawned entities live, despawned ones are gone.
        Set<Long> despawned = new HashSet<>();
        Set<Long> spawned = new HashSet<>();
        for (CommandClient.Acked request : acked) {
            for (int i = 0; i < request.commands().size(); i++) {
                String kind = request.commands().get(i).get("kind").asText();
                if (kind.equals("spawn")) {
                    spawned.add(request.entities().get(i));
                } else if (kind.equals("despawn")) {
                    despawned.add(request.entities().get(i));
                }
            }
        }
        assertThat(despawned).isNotEmpty();
        for (long id : spawned) {
            int status = api.get("/world/entities/" + id).status();
            assertThat(status).as("entity %d", id).isEqualTo(despawned.contains(id) ? 404 : 200);
        }

        // The world equals a reference run fed the same journal.
        JsonNode world = api.get("/world").json();
        Path file = dir.resolve("journal.jsonl");
        Files.write(file, stored, StandardCharsets.UTF_8);
        HostProcess replay = HostProcess.start(image, List.of("replay", "--world-config", worldConfig.toString(),
                "--journal", file.toString(), "--tick", world.get("tick").asText(), "--json"), Map.of());
        started.add(replay);
        assertThat(replay.awaitExit(TIMING.startBudget())).as(replay.output()).contains(0);
        JsonNode reference = JSON.readTree(replay.output().substring(replay.output().indexOf('{')));
        assertThat(reference.get("hash").asText()).as("the world hash at tick %s", world.get("tick"))
                .isEqualTo(world.get("hash").asText());
        assertThat(reference.get("population").asLong()).isEqualTo(world.get("population").asLong());
    }

    /** The last lines of every replica's log, for a failure message. */
    private String outputs() {
        StringBuilder all = new StringBuilder();
        for (HostProcess host : started) {
            List<String> lines = host.lines();
            all.append("---- ").append(host.pid()).append('\n')
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())))
                    .append('\n');
        }
        return all.toString();
    }

    private HostProcess replica(String name, Map<HostProcess, ApiClient> apis) throws InterruptedException {
        HostProcess host = HostProcess.start(image, List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--instance-id", name + "-" + election, "--lease-ttl", TTL.toSeconds() + "s",
                "--http-host", "127.0.0.1", "--world-config", worldConfig.toString()));
        started.add(host);
        URI base = host.apiUrl(TIMING.startBudget()).orElseThrow(() -> new AssertionError(host.output()));
        apis.put(host, new ApiClient(base));
        return host;
    }

    private void awaitStandbys(Map<HostProcess, ApiClient> apis, int standbys) {
        await().atMost(TIMING.startBudget()).until(() -> apis.values().stream()
                .filter(api -> statusOf(api, "/standby") == 200).count() >= standbys);
    }

    private static int statusOf(ApiClient api, String path) {
        try {
            return api.status(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HostProcess leaderOrNull(Map<HostProcess, ApiClient> apis) {
        return apis.entrySet().stream().filter(e -> statusOf(e.getValue(), "/leader") == 200).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private static HostProcess leaderOf(Map<HostProcess, ApiClient> apis) {
        HostProcess leader = leaderOrNull(apis);
        assertThat(leader).as("a replica leads").isNotNull();
        return leader;
    }
}
