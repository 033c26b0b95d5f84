package org.vvmhost.services.world;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.vvmhost.services.world.authority.AreaGrants;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.services.cluster.Cluster;

/**
 * Where a world's simulators run: on threads of the world itself ({@link #threads}), or as containers of an
 * in-process {@link Cluster} ({@link #cluster}), one ReplicaSet per component set, driven tick by tick through the
 * cluster's request/response messaging and kept assigned by the world's workload distributor.
 *
 * @param threads    for {@link #threads}: how many threads run simulators in parallel (1: the calling thread)
 * @param cluster    for {@link #cluster}: the cluster the simulators run in
 * @param name       names the ReplicaSets ({@code <name>-<set>}) and the simulator image
 *                   ({@code world-simulator-<name>}); unique per cluster
 * @param worldViews the latest world view (backup), read when an area is lost with no passive to promote: the
 *                   whole world then rewinds to it
 * @param timeout    how long the coordinator waits for a simulator's reply, and for simulators to appear
 * @param simulatorServers for {@link #cluster}: if present, the simulators run on simulator servers in other
 *                   processes, registered so (address, component sets, capacity; read again whenever a
 *                   simulator starts)
 * @param grants     with {@code simulatorServers}: if present, each world grants its areas to the simulator
 *                   processes that host their actives, through these
 */
public record WorldRuntime(int threads, Optional<Cluster> cluster, String name,
                           Supplier<Optional<WorldView>> worldViews, Duration timeout,
                           Optional<Supplier<List<SimulatorRegistration>>> simulatorServers,
                           Optional<AreaGrants.Opener> grants) {

    /** How long a coordinator waits for a simulator by default, and a simulator server for its simulators. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,38}[a-z0-9])?");

    public WorldRuntime {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(worldViews, "worldViews");
        Objects.requireNonNull(timeout, "timeout");
        requireThreads(threads);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be lower-case letters, digits and '-', starting with a "
                    + "letter and not ending with '-', at most 40 characters; got '" + name + "'");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (Objects.requireNonNull(simulatorServers, "simulatorServers").isPresent() && cluster.isEmpty()) {
            throw new IllegalArgumentException("simulators on simulator servers need a cluster to stand for them");
        }
        if (Objects.requireNonNull(grants, "grants").isPresent() && simulatorServers.isEmpty()) {
            throw new IllegalArgumentException("grants are written for simulators on simulator servers only");
        }
    }

    /** @throws IllegalArgumentException unless {@code threads}, the threads that run simulators, is at least 1 */
    public static void requireThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("world simulation threads must be ≥ 1, got " + threads);
        }
    }

    /** Simulators on {@code threads} threads of the world. */
    public static WorldRuntime threads(int threads) {
        return new WorldRuntime(threads, Optional.empty(), "world", Optional::empty, DEFAULT_TIMEOUT, Optional.empty(),
                Optional.empty());
    }

    /** Simulators as containers of {@code cluster}; no world view to fall back on until {@link #withWorldViews}. */
    public static WorldRuntime cluster(Cluster cluster) {
        return new WorldRuntime(1, Optional.of(cluster), "world", Optional::empty, DEFAULT_TIMEOUT, Optional.empty(),
                Optional.empty());
    }

    public WorldRuntime withName(String newName) {
        return new WorldRuntime(threads, cluster, newName, worldViews, timeout, simulatorServers, grants);
    }

    public WorldRuntime withWorldViews(Supplier<Optional<WorldView>> source) {
        return new WorldRuntime(threads, cluster, name, source, timeout, simulatorServers, grants);
    }

    /** The newest intact view of {@code store}. */
    public WorldRuntime withWorldViews(WorldViewStore store) {
        Objects.requireNonNull(store, "store");
        return withWorldViews(() -> store.load().view());
    }

    public WorldRuntime withTimeout(Duration newTimeout) {
        return new WorldRuntime(threads, cluster, name, worldViews, newTimeout, simulatorServers, grants);
    }

    /** Simulators on the simulator servers {@code registered} now, read whenever one starts. */
    public WorldRuntime withSimulatorServers(Supplier<List<SimulatorRegistration>> registered) {
        return new WorldRuntime(threads, cluster, name, worldViews, timeout, Optional.of(registered), grants);
    }

    /** With simulator servers: each world grants its areas to the processes that host their actives. */
    public WorldRuntime withGrants(AreaGrants.Opener opener) {
        return new WorldRuntime(threads, cluster, name, worldViews, timeout, simulatorServers,
                Optional.of(Objects.requireNonNull(opener, "opener")));
    }
}
