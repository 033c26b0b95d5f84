package org.vvmhost.services.world;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.cluster.SimulatorServer;
import org.vvmhost.time.Clock;

/** Test helpers over the public world API. */
public final class TestWorlds {

    private TestWorlds() {
    }

    /** A world whose simulators run on {@code threads} threads of its own. */
    public static World create(WorldConfig config, ComponentSetRegistry sets, int threads) {
        return WorldFactory.of(sets, WorldRuntime.threads(threads)).create(config);
    }

    public static World create(WorldConfig config, ComponentSetRegistry sets, WorldRuntime runtime) {
        return WorldFactory.of(sets, runtime).create(config);
    }

    public static World restore(WorldConfig config, ComponentSetRegistry sets, int threads, WorldView view) {
        return WorldFactory.of(sets, WorldRuntime.threads(threads)).restore(config, view);
    }

    public static World restore(WorldConfig config, ComponentSetRegistry sets, WorldRuntime runtime, WorldView view) {
        return WorldFactory.of(sets, runtime).restore(config, view);
    }

    /** Steps until the world's tick is {@code tick}. */
    public static void advanceTo(World world, long tick) {
        while (world.tick() < tick) {
            world.step();
        }
    }

    /** The simulators that are active for some area, each with its areas, by name. */
    public static Map<String, List<Integer>> assignments(World world) {
        Map<String, List<Integer>> byName = world.status().areas().stream().collect(Collectors.groupingBy(
                WorldStatus.AreaRoles::active, TreeMap::new,
                Collectors.mapping(WorldStatus.AreaRoles::area, Collectors.toList())));
        return new LinkedHashMap<>(byName);
    }

    /** The servers at {@code addresses}, each registered for every set of {@code sets} and with room for any world. */
    public static List<SimulatorRegistration> registered(List<String> addresses, ComponentSetRegistry sets) {
        List<SimulatorRegistration> registered = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            registered.add(new SimulatorRegistration("test-simulator-" + i, addresses.get(i),
                    List.copyOf(sets.sets().keySet()), 1024, "test-host", ProcessHandle.current().pid()));
        }
        return registered;
    }

    /** Starts {@code count} simulator servers on loopback ports, adding each to {@code started}; their addresses. */
    public static List<String> startSimulatorServers(int count, ComponentSetRegistry sets, Clock clock,
                                                     Duration timeout, List<SimulatorServer> started) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimulatorServer server = SimulatorServer.create(sets,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), clock, timeout);
            started.add(server);
            addresses.add(InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.start().port());
        }
        return addresses;
    }
}
