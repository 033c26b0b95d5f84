package org.vvmhost.services.world.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.Service;
import org.vvmhost.vvm.ServiceContext;

/**
 * The world simulation as a VVM service. On start it restores the newest good world view (the preloaded one if it is
 * still current, into the hot standby's warm world if there is one) or spawns a fresh world, then ticks on its own
 * thread, {@code world-tick}, at the configured rate: tick n is due at start + n × period, so the rate does not drift.
 * Every {@code backup-interval} ticks it writes a world view, on the thread {@code world-backup}; on stop it finishes
 * the current tick, writes a final view and closes the world. A write refused because this leader was deposed is
 * reported to the VVM, and nothing more is written.
 */
public interface WorldSimulationService extends Service {

    /** Opens the world view store for the term a service starts under. */
    @FunctionalInterface
    interface StoreOpener {
        WorldViewStore open(ServiceContext context);
    }

    /**
     * Chooses where the simulators run, once the store of the term is open (a crash may rewind to its views); the
     * context gives the term, for runtimes that write through it (the grants of simulator processes).
     */
    @FunctionalInterface
    interface RuntimeChooser {
        WorldRuntime runtime(ServiceContext context, WorldViewStore store);
    }

    /**
     * The meters of world services in one registry ({@code vvmhost.world.*}). Create them once per registry and give
     * them to every service built for it: the gauges read the service built last.
     */
    sealed interface Meters permits WorldMeters {
    }

    static Meters meters(MeterRegistry registry) {
        return new WorldMeters(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * A world whose simulators run on {@link WorldServiceSettings#threads()} threads of its own.
     *
     * @param preloader the standby's preloader, if the host runs one for the same store
     */
    static WorldSimulationService create(WorldServiceSettings settings, ComponentSetRegistry sets, StoreOpener store,
                                         Optional<WorldViewPreloader> preloader, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        return create(settings, sets, store, preloader, clock, (context, opened) -> WorldRuntime.threads(settings.threads()));
    }

    /**
     * A world whose simulators run where {@code runtime} says, for example as containers of the in-process
     * cluster.
     */
    static WorldSimulationService create(WorldServiceSettings settings, ComponentSetRegistry sets, StoreOpener store,
                                         Optional<WorldViewPreloader> preloader, Clock clock,
                                         RuntimeChooser runtime) {
        // A composite with no registries in it records nothing.
        return create(settings, sets, store, preloader, clock, runtime, meters(new CompositeMeterRegistry()));
    }

    /** Like the others, recording its tick and backup figures in {@code meters}. */
    static WorldSimulationService create(WorldServiceSettings settings, ComponentSetRegistry sets, StoreOpener store,
                                         Optional<WorldViewPreloader> preloader, Clock clock,
                                         RuntimeChooser runtime, Meters meters) {
        return create(settings, sets, store, preloader, Optional.empty(), clock, runtime, meters);
    }

    /**
     * Like the others; on start it takes over {@code hot}'s warm world, at the view it chose, rather than build one.
     * The runtime must then run on the cluster the hot standby handed over (see {@link HotStandby#takeCluster()}).
     */
    static WorldSimulationService create(WorldServiceSettings settings, ComponentSetRegistry sets, StoreOpener store,
                                         Optional<WorldViewPreloader> preloader, Optional<HotStandby> hot,
                                         Clock clock, RuntimeChooser runtime, Meters meters) {
        PacedWorldSimulation.Sources sources = new PacedWorldSimulation.Sources(Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(preloader, "preloader"), Objects.requireNonNull(hot, "hot"),
                Objects.requireNonNull(runtime, "runtime"));
        return new PacedWorldSimulation(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(sets, "sets"), sources, Objects.requireNonNull(clock, "clock"),
                (WorldMeters) Objects.requireNonNull(meters, "meters")).observed();
    }

    /** The last completed tick; -1 before the world is up. */
    long tick();

    /** The header of the last world view this service saved, if any. */
    Optional<WorldView.Header> lastBackup();

    /** Tick times so far. */
    TickStats tickStats();

    /** The world's tick, hash and population at its last progress report; empty before the world is up. */
    Optional<WorldProgress> progress();

    /** Where the backups stand: the newest view, and a save that failed since; empty before the world is up. */
    Optional<BackupState> backups();

    /** Commands in, queries and summaries out: refused or empty while no world runs here. */
    WorldGateway gateway();
}
