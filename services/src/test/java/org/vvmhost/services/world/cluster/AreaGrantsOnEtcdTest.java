package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Registration;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.CommandScripts;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.authority.AreaGrants;
import org.vvmhost.services.world.authority.SimulatorAuthority;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.testing.EtcdCandidates;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.vvm.Causes;

/**
 * The grants a leader's world writes on a real etcd while its simulators run on two simulator servers (in this JVM,
 * each registered in etcd as its process would be): every (set, area) is granted to the process that hosts its
 * active, a server that goes away has its areas granted to their new hosts with higher epochs, and a deposed term
 * writes no grant.
 */
class AreaGrantsOnEtcdTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final CommandSource SCRIPT = CommandScripts.busy(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration budget = TestTiming.current().scaled(Duration.ofSeconds(20));
    private final EtcdCandidates candidates = new EtcdCandidates(etcd, "area-grants");
    private final Cluster cluster = Cluster.start(ClusterOptions.threaded(candidates.clock())
            .withRestartBackoff(Duration.ofMillis(10)), FunctionRegistry.create());
    private final List<SimulatorServer> servers = new ArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();

    @AfterEach
    void tearDown() {
        servers.forEach(SimulatorServer::close);
        registrations.forEach(Registration::close);
        cluster.close();
        candidates.close();
    }

    /** 200 entities in 2 × 2 areas, two simulators per set, one passive per area. */
    private static WorldConfig config() {
        return WorldConfig.defaults().withEntities(200).withAreas(2, 2).withSeed(5)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(2),
                        "vitality", new WorldConfig.SetConfig(2)))
                .withPassivesPerArea(1);
    }

    /**
     * Registers simulator process {@code id}, reached at {@code address}, on a lease of its own: 10 s, since a 2 s
     * lease can lapse on a busy machine, and the test revokes the one it wants gone.
     */
    private Registration register(String id, String address) {
        SimulatorRegistration registration = new SimulatorRegistration(id, address, List.of("physics", "vitality"),
                8, "test-host", ProcessHandle.current().pid());
        Registration registered = EtcdLeaderships.register(EtcdSettings.of(etcd.endpoint().toString(),
                candidates.election(), LeaseSettings.ofTtl(Duration.ofSeconds(10))), registration.key(),
                registration.toJson(), candidates.clock());
        registrations.add(registered);
        return registered;
    }

    private <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code etcdctl get --prefix <election>-data/authority/}, as a third party reads it: set/area → grant. */
    private Map<String, AuthorityGrant> grantsInEtcd() {
        String prefix = candidates.election() + "-data/authority/";
        Map<String, AuthorityGrant> grants = new HashMap<>();
        etcd.getPrefix(prefix).forEach(kv -> {
            try {
                grants.put(EtcdExtension.text(kv.getKey()).substring(prefix.length()),
                        JSON.readValue(EtcdExtension.text(kv.getValue()), AuthorityGrant.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return grants;
    }

    /** set/area → the id of the process whose server hosts the area's active, by the world's own status. */
    private static Map<String, String> hostsOfActives(World world, Map<SimulatorServer, String> ids) {
        Map<String, String> hosts = new HashMap<>();
        for (WorldStatus.AreaRoles roles : world.status().areas()) {
            ids.forEach((server, id) -> {
                if (server.simulators().contains(roles.active())) {
                    hosts.put(roles.set() + "/" + roles.area(), id);
                }
            });
        }
        return hosts;
    }

    private static Map<String, String> holders(Map<String, AuthorityGrant> grants) {
        Map<String, String> holders = new HashMap<>();
        grants.forEach((key, grant) -> holders.put(key, grant.simulator()));
        return holders;
    }

    @Test
    void everyAreaIsGrantedToTheProcessThatHostsItsActiveAndFollowsItsPromotion() throws Exception {
        Leadership leader = candidates.connect("leader");
        Term term = get(leader.campaign().elected());
        SimulatorAuthority authority = SimulatorAuthority.on(leader.data());
        List<String> addresses = TestWorlds.startSimulatorServers(2, SETS, candidates.clock(), budget, servers);
        register("sim-0", addresses.get(0));
        Registration leavingRegistration = register("sim-1", addresses.get(1));
        Map<SimulatorServer, String> ids = Map.of(servers.get(0), "sim-0", servers.get(1), "sim-1");
        LinkedBlockingQueue<RuntimeException> deposed = new LinkedBlockingQueue<>();
        WorldRuntime runtime = WorldRuntime.cluster(cluster).withName("granted").withTimeout(budget)
                .withSimulatorServers(() -> authority.simulators().join())
                .withGrants(AreaGrants.through(authority, term, budget, Duration.ofMillis(200), deposed::add));

        try (World world = WorldFactory.of(SETS, runtime).create(config())) {
            world.step(SCRIPT);
            Map<String, String> hosts = hostsOfActives(world, ids);
            assertThat(hosts).as("every (set, area) has an active on one of the servers").hasSize(8)
                    .containsValues("sim-0", "sim-1");
            await().atMost(budget).untilAsserted(() -> assertThat(holders(grantsInEtcd())).isEqualTo(hosts));
            Map<String, AuthorityGrant> before = grantsInEtcd();

            // The server of sim-1 goes away while the world ticks, and its process's lease goes with it.
            CompletableFuture<Void> closed = CompletableFuture.runAsync(servers.get(1)::close);
            for (int i = 0; i < 10; i++) {
                world.step(SCRIPT);
            }
            closed.join();
            get(leavingRegistration.revoke());
            world.step(SCRIPT);

            WorldStatus status = world.status();
            assertThat(status.promotions()).isPositive();
            assertThat(status.rewinds()).isEmpty();
            assertThat(hostsOfActives(world, ids)).hasSize(8).containsOnlyKeys(hosts.keySet())
                    .allSatisfy((area, host) -> assertThat(host).isEqualTo("sim-0"));
            await().atMost(budget).untilAsserted(() -> assertThat(holders(grantsInEtcd()))
                    .isEqualTo(hostsOfActives(world, ids)));
            Map<String, AuthorityGrant> after = grantsInEtcd();
            hosts.forEach((area, host) -> {
                if (host.equals("sim-1")) {
                    assertThat(after.get(area).epoch()).as("the epoch of %s, granted anew", area)
                            .isGreaterThan(before.get(area).epoch());
                }
            });
        }
        assertThat(deposed).isEmpty();
        get(term.release());
    }

    @Test
    void aDeposedTermsGrantIsRefusedReportedOnceAndNothingIsWritten() throws Exception {
        EtcdCandidates.Succession succession = candidates.succession(budget);
        register("sim-a", "127.0.0.1:7070");
        LinkedBlockingQueue<RuntimeException> deposed = new LinkedBlockingQueue<>();

        try (AreaGrants grants = AreaGrants.through(SimulatorAuthority.on(succession.first().data()),
                succession.deposed(), budget, Duration.ofMillis(200), deposed::add).open(candidates.clock())) {
            grants.activeOn("physics", 0, "127.0.0.1:7070");
            RuntimeException refusal = deposed.poll(budget.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(refusal).isNotNull().hasMessageContaining("this leader was deposed")
                    .hasMessageContaining("physics area 0");
            assertThat(Causes.find(refusal, FencedWriteRejectedException.class)).isPresent();

            grants.activeOn("physics", 1, "127.0.0.1:7070");
            assertThat(grantsInEtcd()).isEmpty();
        }
        assertThat(get(SimulatorAuthority.on(succession.second().data()).grant(succession.current(), "physics", 0,
                "sim-a")).epoch()).as("the refused grant issued no epoch").isEqualTo(1);
        assertThat(deposed).as("a deposition is reported once").isEmpty();
        get(succession.current().release());
    }
}
