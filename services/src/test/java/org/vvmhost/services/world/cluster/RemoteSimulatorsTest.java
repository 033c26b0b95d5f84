package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.CommandScripts;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.time.SystemClock;

/**
 * Simulators on three gRPC simulator servers on loopback (in this JVM, each with its own cluster, threads and
 * port, as separate processes would have) against the same world with its simulators in the coordinator's cluster:
 * the world hash is the same at every tick, a server that goes away mid-run is a crash of its simulators, which
 * the coordinator recovers from by promoting their passives, and a server that drains has its simulators stopped
 * gracefully, their areas handed over, and gets no new session; a server that joins gets simulators moved onto it,
 * gracefully too.
 */
class RemoteSimulatorsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final CommandSource SCRIPT = CommandScripts.busy(600);
    private static final int SERVERS = 3;

    private final SystemClock clock = SystemClock.create("remote-simulators-test-clock");
    private final Cluster cluster = Cluster.start(ClusterOptions.threaded(clock)
            .withRestartBackoff(Duration.ofMillis(10)), FunctionRegistry.create());
    private final List<SimulatorServer> servers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        servers.forEach(SimulatorServer::close);
        cluster.close();
        clock.close();
    }

    /** 600 entities in 3 × 3 areas, three simulators per set, one passive per area. */
    private static WorldConfig config() {
        return WorldConfig.defaults().withEntities(600).withAreas(3, 3).withSeed(11)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(SERVERS),
                        "vitality", new WorldConfig.SetConfig(SERVERS)))
                .withPassivesPerArea(1);
    }

    private List<String> startServers() {
        return TestWorlds.startSimulatorServers(SERVERS, SETS, clock, WAIT, servers);
    }

    private World remoteWorld() {
        List<String> addresses = startServers();
        return remoteWorld(() -> addresses);
    }

    private World remoteWorld(Supplier<List<String>> addresses) {
        return ClusterWorlds.remote(SETS, WorldRuntime.cluster(cluster).withName("remote").withTimeout(WAIT),
                () -> TestWorlds.registered(addresses.get(), SETS)).create(config());
    }

    private World localWorld() {
        return TestWorlds.create(config(), SETS, WorldRuntime.cluster(cluster).withName("local").withTimeout(WAIT));
    }

    /** Steps both worlds to {@code tick}, comparing their hashes at every tick. */
    private static void advanceTogether(World world, World reference, long tick) {
        while (world.tick() < tick) {
            world.step(SCRIPT);
            reference.step(SCRIPT);
            assertThat(world.hash()).as("the world hash at tick %d", world.tick()).isEqualTo(reference.hash());
        }
    }

    private static long activeAreasOf(WorldStatus status, Set<String> simulators) {
        return status.areas().stream().filter(roles -> simulators.contains(roles.active())).count();
    }

    /** Whether one of {@code simulators} is the area's active or one of its passives. */
    private static boolean involves(WorldStatus.AreaRoles roles, Set<String> simulators) {
        return simulators.contains(roles.active()) || roles.passives().stream().anyMatch(simulators::contains);
    }

    @Test
    void theWorldHashIsTheSameAtEveryTickWithSimulatorsOnOtherServers() {
        try (World local = localWorld(); World remote = remoteWorld()) {
            for (SimulatorServer server : servers) {
                // Spread out: each server runs one simulator of each set, so an area's passive is on another server.
                assertThat(server.simulators()).hasSize(2).anyMatch(name -> name.startsWith("remote-physics-"))
                        .anyMatch(name -> name.startsWith("remote-vitality-"));
            }

            advanceTogether(remote, local, 15);

            assertThat(remote.status().rejectedWrites()).isZero();
            assertThat(remote.status().commands()).isEqualTo(local.status().commands());
            assertThat(remote.entities(new int[] {4}, 5)).isNotEmpty();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(servers).allSatisfy(server ->
                assertThat(server.simulators()).as("sessions end with their world").isEmpty()));
        servers.forEach(SimulatorServer::close);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .as("threads of the servers and of the world's line to them, after closing")
                .map(Thread::getName).noneMatch(name -> name.startsWith("simulator-server-")
                        || name.startsWith("remote-simulator-") || name.startsWith("container-remote-")));
    }

    @Test
    void aServerThatGoesAwayMidRunIsACrashOfItsSimulatorsAndTheirPassivesArePromoted() {
        try (World local = localWorld(); World remote = remoteWorld()) {
            advanceTogether(remote, local, 6);
            SimulatorServer leaving = servers.get(1);
            Set<String> gone = Set.copyOf(leaving.simulators());
            long held = activeAreasOf(remote.status(), gone);
            assertThat(held).as("the leaving server's simulators are active for some areas").isPositive();

            // The server closes while the next tick runs.
            CompletableFuture<Void> closed = CompletableFuture.runAsync(leaving::close);
            advanceTogether(remote, local, 20);
            closed.join();

            WorldStatus status = remote.status();
            assertThat(status.promotions()).isEqualTo(held);
            assertThat(status.rewinds()).isEmpty();
            assertThat(status.ticksLost()).isZero();
            assertThat(status.areas()).noneMatch(roles -> involves(roles, gone));
            assertThat(status.areas()).allSatisfy(roles -> assertThat(roles.passives()).hasSize(1));
        }
    }

    @Test
    void aGracefulStopOfARemoteSimulatorHandsItsAreasToThePassives() {
        try (World local = localWorld(); World remote = remoteWorld()) {
            advanceTogether(remote, local, 5);
            String leaving = remote.status().areas().stream().filter(roles -> roles.set().equals("physics"))
                    .map(WorldStatus.AreaRoles::active).findFirst().orElseThrow();
            long held = remote.status().areas().stream().filter(roles -> roles.active().equals(leaving)).count();

            cluster.stop(leaving);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (remote.status().areas().stream().anyMatch(roles -> roles.active().equals(leaving)
                    || roles.passives().contains(leaving))) {
                assertThat(System.nanoTime()).as("%s handed over within %s", leaving, WAIT).isLessThan(deadline);
                advanceTogether(remote, local, remote.tick() + 1);
            }
            advanceTogether(remote, local, remote.tick() + 5);

            WorldStatus status = remote.status();
            assertThat(status.promotions()).isEqualTo(held);
            assertThat(status.migrations()).isZero();
            assertThat(status.rewinds()).isEmpty();
            await().atMost(WAIT).untilAsserted(() -> assertThat(servers).noneMatch(server ->
                    server.simulators().contains(leaving)));
        }
    }

    @Test
    void aDrainingServerHasItsSimulatorsStoppedGracefullyAndTheirAreasHandedOverWithNoTickLost() throws Exception {
        try (World local = localWorld(); World remote = remoteWorld()) {
            advanceTogether(remote, local, 5);
            SimulatorServer draining = servers.get(1);
            Set<String> gone = Set.copyOf(draining.simulators());
            long held = activeAreasOf(remote.status(), gone);
            assertThat(held).as("the draining server's simulators are active for some areas").isPositive();

            CompletableFuture<Void> drained = draining.drain("the test drains it");
            // Its simulators stop, each waiting in its stop hook until the coordinator takes its areas between two
            // ticks; a query meanwhile waits for that too, and reads the areas from their new holders.
            await().atMost(WAIT).until(() -> gone.stream().allMatch(name -> cluster.container(name)
                    .map(container -> !container.status().ready()).orElse(true)));
            int[] everyArea = {0, 1, 2, 3, 4, 5, 6, 7, 8};
            List<EntityRecord> read = remote.entities(everyArea, 5);
            assertThat(read).usingRecursiveFieldByFieldElementComparatorIgnoringFields("owners")
                    .containsExactlyInAnyOrderElementsOf(local.entities(everyArea, 5));
            assertThat(read).allSatisfy(entity -> assertThat(entity.owners().values()).doesNotContainAnyElementsOf(gone));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!drained.isDone() || remote.status().areas().stream().anyMatch(roles -> involves(roles, gone))) {
                assertThat(System.nanoTime()).as("%s handed over within %s", gone, WAIT).isLessThan(deadline);
                advanceTogether(remote, local, remote.tick() + 1);
            }
            advanceTogether(remote, local, remote.tick() + 5);

            drained.get();
            WorldStatus status = remote.status();
            assertThat(status.promotions()).isEqualTo(held);
            assertThat(status.migrations()).isZero();
            assertThat(status.rewinds()).isEmpty();
            assertThat(status.ticksLost()).isZero();
            assertThat(status.areas()).as("replacements follow every area again")
                    .allSatisfy(roles -> assertThat(roles.passives()).hasSize(1));
            assertThat(draining.simulators()).as("no new session on the draining server").isEmpty();
        }
    }

    @Test
    void aServerThatJoinsGetsSimulatorsMovedOntoItGracefullyWithNoTickLost() {
        List<String> addresses = new CopyOnWriteArrayList<>(startServers());
        String joining = addresses.remove(SERVERS - 1);
        try (World local = localWorld(); World remote = remoteWorld(() -> List.copyOf(addresses))) {
            advanceTogether(remote, local, 5);
            assertThat(servers.get(SERVERS - 1).simulators()).as("not listed yet").isEmpty();
            Set<String> before = simulatorsOf(remote);
            WorldStatus beforeMoves = remote.status();

            addresses.add(joining);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!servers.stream().allMatch(server -> server.simulators().size() == 2
                    && server.simulators().stream().anyMatch(name -> name.startsWith("remote-physics-"))
                    && server.simulators().stream().anyMatch(name -> name.startsWith("remote-vitality-")))
                    || !simulatorsOf(remote).equals(hosted())) {
                assertThat(System.nanoTime()).as("one simulator of each set moved within %s", WAIT)
                        .isLessThan(deadline);
                advanceTogether(remote, local, remote.tick() + 1);
            }
            advanceTogether(remote, local, remote.tick() + 5);

            Set<String> moved = new TreeSet<>(before);
            moved.removeAll(simulatorsOf(remote));
            assertThat(moved).as("one simulator of each set stopped to move").hasSize(2);
            WorldStatus status = remote.status();
            assertThat(status.promotions() + status.migrations()).as("the moved simulators' areas handed over")
                    .isEqualTo(activeAreasOf(beforeMoves, moved));
            assertThat(status.rewinds()).isEmpty();
            assertThat(status.ticksLost()).isZero();
            assertThat(status.areas()).allSatisfy(roles -> assertThat(roles.passives()).hasSize(1));
        }
    }

    /** The simulators the world's areas name, as active or passive. */
    private static Set<String> simulatorsOf(World world) {
        Set<String> names = new TreeSet<>();
        for (WorldStatus.AreaRoles roles : world.status().areas()) {
            names.add(roles.active());
            names.addAll(roles.passives());
        }
        return names;
    }

    /** The simulators the servers host. */
    private Set<String> hosted() {
        Set<String> names = new TreeSet<>();
        servers.forEach(server -> names.addAll(server.simulators()));
        return names;
    }

    @Test
    void aDrainingServerTellsItsSessionsIsTriedLastAndRefusesNewSessions() throws Exception {
        List<String> addresses = startServers().subList(0, 2);
        List<SimulatorRegistration> registered = TestWorlds.registered(addresses, SETS);
        SimulatorServer draining = servers.get(1);
        BlockingQueue<String> notices = new LinkedBlockingQueue<>();
        try (RemoteSimulators remote = new RemoteSimulators(() -> registered, config(), clock, WAIT, "drain")) {
            remote.open("drain-physics-a", "physics", reason -> { }, reason -> { });
            RemoteSimulators.Session second = remote.open("drain-physics-b", "physics", reason -> { }, notices::add);
            assertThat(draining.simulators()).containsExactly("drain-physics-b");

            CompletableFuture<Void> drained = draining.drain("the test drains it");
            assertThat(notices.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("the test drains it");
            assertThat(drained).as("a session is left").isNotDone();
            second.close();
            drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(remote.ranked("physics", registered))
                    .as("the draining server last, though it has fewer sessions")
                    .containsExactly(addresses.get(0), addresses.get(1));
            remote.open("drain-physics-c", "physics", reason -> { }, reason -> { });
            assertThat(servers.get(0).simulators()).contains("drain-physics-c");
            assertThat(draining.simulators()).isEmpty();
        }
        try (RemoteSimulators remote = new RemoteSimulators(() -> registered.subList(1, 2), config(), clock, WAIT,
                "refused")) {
            assertThatThrownBy(() -> remote.open("drain-vitality-a", "vitality", reason -> { }, reason -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(addresses.get(1) + ": UNAVAILABLE: this simulator server is draining (the "
                            + "test drains it) and takes no new sessions");
        }
    }

    @Test
    void aServerWhoseActiveAreasReachItsCapacityRanksAfterOneWithRoom() {
        List<String> addresses = startServers().subList(0, 2);
        List<SimulatorRegistration> registered = addresses.stream().map(address -> new SimulatorRegistration(
                "capacity-" + address, address, List.of("physics", "vitality"), 2, "test-host", 1)).toList();
        try (RemoteSimulators remote = new RemoteSimulators(() -> registered, config(), clock, WAIT, "capacity")) {
            remote.open("capacity-physics-a", "physics", reason -> { }, reason -> { });
            remote.open("capacity-physics-b", "physics", reason -> { }, reason -> { });
            assertThat(servers.get(0).simulators()).containsExactly("capacity-physics-a");
            assertThat(remote.ranked("vitality", registered)).as("even: as registered").isEqualTo(addresses);

            remote.activeOn("capacity-physics-a", 0);
            remote.activeOn("capacity-physics-a", 1);
            assertThat(remote.ranked("vitality", registered)).as("the first server is full")
                    .containsExactly(addresses.get(1), addresses.get(0));

            remote.activeOn("capacity-physics-b", 1);
            assertThat(remote.ranked("vitality", registered)).as("area 1 moved to the second server")
                    .isEqualTo(addresses);
        }
    }

    @Test
    void aSimulatorNoServerCanRunIsRefusedWithTheReasonOfEach() {
        List<String> addresses = new ArrayList<>(startServers().subList(0, 1));
        addresses.add(InetAddress.getLoopbackAddress().getHostAddress() + ":1");
        WorldConfig withTags = config().withComponentSets(Map.of("physics", new WorldConfig.SetConfig(1),
                "tag", new WorldConfig.SetConfig(1)));
        try (RemoteSimulators remote = new RemoteSimulators(() -> TestWorlds.registered(addresses, SETS), withTags,
                clock, WAIT, "unregistered")) {
            assertThatThrownBy(() -> remote.open("unregistered-tag-x1", "tag", reason -> { }, reason -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("no simulator server took simulator unregistered-tag-x1 of component set 'tag': no "
                            + "simulator process registered simulates it");
        }
        // Registrations that claim the set, as a process of another build might: each server is tried, and refuses.
        List<SimulatorRegistration> claiming = addresses.stream().map(address -> new SimulatorRegistration(
                "claims-" + address, address, List.of("physics", "tag"), 8, "test-host", 1)).toList();
        try (RemoteSimulators remote = new RemoteSimulators(() -> claiming, withTags, clock, WAIT, "refused")) {
            assertThatThrownBy(() -> remote.open("refused-tag-x1", "tag", reason -> { }, reason -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no simulator server took simulator refused-tag-x1 of component set 'tag'")
                    .hasMessageContaining(addresses.get(0) + ": INVALID_ARGUMENT: this simulator server cannot "
                            + "simulate component set 'tag'")
                    .hasMessageContaining(addresses.get(1) + ": UNAVAILABLE");
        }
        assertThat(servers.get(0).simulators()).isEmpty();
    }
}
