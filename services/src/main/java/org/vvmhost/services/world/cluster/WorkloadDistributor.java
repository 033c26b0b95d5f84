package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.world.cluster.AssignmentTable.Event;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.time.Clock;

/**
 * The authority issuer: it feeds what happens to the simulator containers into the {@link AssignmentTable}, which
 * decides, has the {@link Handover} carry out the table's actions with the simulator protocol, and feeds each
 * outcome back to the table.
 *
 * <p>Notices arrive from any thread ({@link #post}); they are applied only on the coordinator's thread, between two
 * ticks or while the coordinator waits for a simulator that did not answer, so an assignment never changes under a
 * running step. Waits end on the cluster's clock. Not thread-safe, except {@link #post}.
 */
final class WorkloadDistributor {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadDistributor.class);

    /** Something that happened to a simulator container, as the cluster or its stop hook reports it. */
    sealed interface Notice permits Up, Stopping, Down, Leaving, Wakeup {
    }

    record Up(String container, int setIndex) implements Notice {
    }

    /** Stopping gracefully ({@code deleted}: its resource is gone, no end will be reported); its hand-over follows. */
    record Stopping(String container, boolean deleted) implements Notice {
    }

    record Down(String container, String reason) implements Notice {
    }

    /** A stopping simulator hands over {@code states}; confirmed on {@code handedOver}. */
    record Leaving(String container, int setIndex, List<AreaState> states, CompletableFuture<Void> handedOver)
            implements Notice {
    }

    /** A deadline on the clock passed. */
    private record Wakeup() implements Notice {
    }

    private final Cluster cluster;
    private final Clock clock;
    private final WorldCore core;
    private final Duration timeout;
    private final LinkedBlockingQueue<Notice> inbox = new LinkedBlockingQueue<>();
    private final Handover handover;
    /** Hears every new grant of the table, on the coordinator's thread. */
    private final Consumer<AssignmentTable.Granted> granted;
    private AssignmentTable table;
    /** Derived from {@link #table}; null when the table changed in a way that matters to it. */
    private Routing routing;

    WorkloadDistributor(Cluster cluster, WorldCore core, Duration timeout) {
        this(cluster, core, timeout, granted -> { });
    }

    /** @param granted hears each (set, area) the table gives a new active, or the same one under a new epoch */
    WorkloadDistributor(Cluster cluster, WorldCore core, Duration timeout,
                        Consumer<AssignmentTable.Granted> granted) {
        this.cluster = cluster;
        this.granted = granted;
        this.clock = cluster.clock();
        this.core = core;
        this.timeout = timeout;
        this.handover = new Handover(cluster, core, timeout);
        this.table = new AssignmentTable(core.sets().stream().map(set -> set.name()).toList(),
                core.geometry().areaCount(), core.config().passivesPerArea());
    }

    /** Queues a notice; any thread. */
    void post(Notice notice) {
        inbox.add(notice);
    }


    /** Applies the queued notices, then places parked areas, rebalances and fills passives if membership changed. */
    void settle() {
        for (Notice notice = inbox.poll(); notice != null; notice = inbox.poll()) {
            take(notice);
        }
        if (!table.settled()) {
            apply(new AssignmentTable.Settle());
        }
    }

    /** Applies notices, waiting for them, until {@code container} is gone or has handed over; silent past the
     *  timeout, it counts as crashed. */
    void awaitResolution(String container) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (table.isPending(container)) {
            Notice notice = next(deadline);
            take(notice != null ? notice : new Down(container, "simulator " + container
                    + " did not answer and did not hand over within " + timeout));
        }
        apply(new AssignmentTable.Settle());
    }

    /**
     * Waits until every set {@code s} has {@code wanted[s]} live simulators (at least one), and then places parked
     * areas. Fewer than wanted is accepted at the deadline, none is not.
     */
    void awaitSimulators(int[] wanted) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        settle();
        for (int s = 0; s < wanted.length; s++) {
            while (table.live(s).size() < Math.max(1, wanted[s])) {
                Notice notice = next(deadline);
                if (notice == null && table.live(s).isEmpty()) {
                    throw new IllegalStateException("no simulator container of component set '"
                            + core.sets().get(s).name() + "' is running within " + timeout);
                }
                if (notice == null) {
                    break;
                }
                take(notice);
            }
        }
        apply(new AssignmentTable.Settle());
    }

    /** The next notice, or null once {@code deadline} passed on the clock. */
    private Notice next(long deadline) {
        Clock.Scheduled alarm = clock.schedule(Duration.ofNanos(deadline - clock.nanoTime()),
                () -> inbox.add(new Wakeup()));
        try {
            while (true) {
                Notice notice = inbox.take();
                if (!(notice instanceof Wakeup)) {
                    return notice;
                }
                if (clock.nanoTime() >= deadline) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the simulators", e);
        } finally {
            alarm.cancel();
        }
    }

    private void take(Notice notice) {
        if (notice instanceof Up up) {
            if (table.setOf(up.container()) < 0) {
                LOG.info("Simulator {} of {} is up", up.container(), core.sets().get(up.setIndex()).name());
            }
            apply(new AssignmentTable.Up(up.container(), up.setIndex()));
        } else if (notice instanceof Stopping stopping) {
            apply(new AssignmentTable.Stopping(stopping.container(), stopping.deleted()));
        } else if (notice instanceof Down down) {
            int s = table.setOf(down.container());
            apply(new AssignmentTable.Down(down.container(), down.reason()));
            if (s >= 0) {
                LOG.info("Simulator {} of {} is down: {}", down.container(), core.sets().get(s).name(), down.reason());
            }
        } else if (notice instanceof Leaving leaving) {
            if (!table.isPending(leaving.container())) {
                // Already down: its hand-over came too late to be trusted.
                leaving.handedOver().completeExceptionally(new IllegalStateException(leaving.container()
                        + " is already down"));
                return;
            }
            int[] areas = new int[leaving.states().size()];
            for (int i = 0; i < areas.length; i++) {
                AreaState state = leaving.states().get(i);
                areas[i] = state.area();
                handover.hold(leaving.setIndex(), state);
            }
            apply(new AssignmentTable.Leaving(leaving.container(), areas));
            leaving.handedOver().complete(null);
        }
    }

    /** Hands out every area afresh, from {@code partitions[set][area]} at {@code tick}: the spawn, or a rewind. */
    void assignAll(Partition[][] partitions, long tick) {
        settle();
        handover.clear();
        long[] entities = new long[partitions[0].length];
        long progress = SimulatorProtocol.completed(tick);
        for (int s = 0; s < partitions.length; s++) {
            for (int area = 0; area < partitions[s].length; area++) {
                entities[area] = partitions[0][area].size();
                handover.hold(s, new AreaState(area, progress, partitions[s][area].snapshot(tick, 0)));
            }
        }
        apply(new AssignmentTable.Reset(entities));
    }

    /** Runs the table on {@code first} and every outcome it leads to; logs the areas it lost. */
    private void apply(Event first) {
        List<String> lostBefore = table.lost();
        AssignmentTable before = table;
        table = table.run(first, handover::run);
        if (!(first instanceof AssignmentTable.Sizes)) {
            routing = null;
            AssignmentTable.granted(before, table).forEach(granted);
        }
        table.lost().stream().filter(loss -> !lostBefore.contains(loss)).forEach(LOG::error);
    }

    /** The line a simulator of this world has to the coordinator: hand-overs come here. */
    SimulatorProtocol.Coordinator line(BooleanSupplier closing) {
        return new SimulatorProtocol.Coordinator() {
            @Override
            public CompletableFuture<Void> handOver(SimulatorProtocol.HandOver handOver) {
                CompletableFuture<Void> handedOver = new CompletableFuture<>();
                post(new Leaving(handOver.container(), handOver.setIndex(), handOver.states(), handedOver));
                return handedOver;
            }

            @Override
            public boolean closing() {
                return closing.getAsBoolean();
            }
        };
    }

    /** The assignments as they stand; read it between ticks, on the coordinator's thread. */
    AssignmentTable table() {
        return table;
    }

    /** The assignments as the tick needs them; read it between ticks, on the coordinator's thread. */
    Routing routing() {
        if (routing == null) {
            routing = new Routing(table, core.sets().size(), core.geometry().areaCount());
        }
        return routing;
    }

    void passiveFailed(int s, int area, String container) {
        apply(new AssignmentTable.PassiveFailed(s, area, container));
    }

    void missing(String container, int[] areas) {
        apply(new AssignmentTable.Missing(container, areas));
    }

    void recordSizes(int[] areas, int[] sizes) {
        apply(new AssignmentTable.Sizes(areas, sizes));
    }

    /** Refuses pending hand-overs: the world is closing and their containers stop anyway. */
    void close() {
        for (Notice notice = inbox.poll(); notice != null; notice = inbox.poll()) {
            if (notice instanceof Leaving leaving) {
                leaving.handedOver().complete(null);
            }
        }
    }
}
