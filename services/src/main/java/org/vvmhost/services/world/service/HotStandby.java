package org.vvmhost.services.world.service;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.time.Clock;

/**
 * A standby's world, kept ready to run, so that taking over is a switch, not a start: it follows the views the
 * {@link WorldViewPreloader} reads and keeps a world at the newest of them (a fresh one while none is stored), its
 * simulators running where the runtime says (on a standby, a cluster of its own). The world never steps, and nothing
 * here writes: a standby holds no term, and the runtime's world views are read only. A new leader's services take the
 * cluster, then the world; what is not taken is closed by {@link #close()}. The host starts it with the preloader,
 * before its VVM campaigns, and closes it once the VVM has shut down, before the preloader.
 */
public interface HotStandby extends AutoCloseable {

    /**
     * Starts keeping a world of {@code config} warm, on one named thread, {@code world-warm}. {@code runtime} is asked
     * once, now: its cluster, if it names one, belongs to this standby until {@link #takeCluster()}. A world that
     * cannot be built is tried again after a second on {@code clock}.
     */
    static HotStandby start(WorldViewPreloader preloader, WorldConfig config, ComponentSetRegistry sets,
                            Supplier<WorldRuntime> runtime, Clock clock) {
        return WarmWorld.start(Objects.requireNonNull(preloader, "preloader"), Objects.requireNonNull(config,
                "config"), Objects.requireNonNull(sets, "sets"), Objects.requireNonNull(runtime, "runtime").get(),
                Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Whether a world is built and can be taken over: at the newest view read, or on its way to it. A standby is ready
     * once it is (its readiness does not flap while a newer view is loaded in place).
     */
    boolean warm();

    /**
     * For a new leader's cluster service, first: the cluster the warm world runs on. From then on the caller owns it
     * and closes it. Empty if the runtime has no cluster, or it was taken or closed already.
     */
    Optional<Cluster> takeCluster();

    /**
     * For a new leader's world service, once it has chosen where to start: stops following the views and hands over
     * the world at {@code view} (a fresh world when empty): the warm world as it is if it holds that view, else with
     * the view loaded into it. From then on the caller owns it. Empty, with the warm world closed, if there is none
     * (it was never built, or it was taken or closed), it cannot take {@code view}, its cluster was not taken, or a
     * fresh world is asked for and it already holds a view: the caller then builds the world itself.
     */
    Optional<World> takeWorld(Optional<WorldView> view);

    /**
     * Stops following, joins the thread, and closes what was not taken: the cluster, and the world unless it runs on a
     * cluster that was (whoever took the cluster stops its simulators with it). Idempotent.
     */
    @Override
    void close();
}
