package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.ClusterException;
import org.vvmhost.time.Clock;

/**
 * Moves a world's remote simulators onto simulator servers that joined later: when, for some component set, the
 * servers that can simulate it host numbers of its simulators that differ by more than one, it stops one simulator
 * on the most loaded server gracefully (its areas go to its passives, or migrate, between two ticks) and its
 * ReplicaSet's replacement opens its session on the least loaded one. One move at a time: the next waits until the
 * stopped simulator is gone and its set has all its simulators again. The decision ({@link #next}) is a pure
 * function; this class's thread only reads the spread (which reads the registered servers) every {@link #PERIOD} on
 * the world's clock, off the tick thread, and stops the simulator chosen.
 */
final class SimulatorRebalancer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorRebalancer.class);
    /** How often the registered servers are read again: a scale-up is noticed within about this long. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    /**
     * A component set's simulators as they run now.
     *
     * @param wanted    how many simulators the set has when none is starting or stopping
     * @param servers   the simulators on each server that can simulate the set (listed, not draining, and not known
     *                  to refuse it), including servers with none
     * @param elsewhere the set's simulators on other servers (a draining one, say)
     */
    record Spread(String set, int wanted, Map<String, List<String>> servers, List<String> elsewhere) {
        Spread {
            servers = Map.copyOf(servers);
            elsewhere = List.copyOf(elsewhere);
        }

        private int running() {
            return servers.values().stream().mapToInt(List::size).sum() + elsewhere.size();
        }

        private boolean hosts(String simulator) {
            return elsewhere.contains(simulator) || servers.values().stream().anyMatch(s -> s.contains(simulator));
        }
    }

    /** Stop {@code simulator} of {@code set} on server {@code from}: its replacement should land on {@code to}. */
    record Move(String simulator, String set, String from, String to) {
    }

    /**
     * The next simulator to stop, if any. None while a move is under way ({@code moving} still runs), while a set has
     * not all its simulators or has some on a server outside its spread (a start, a crash or a drain is being handled),
     * or when every set is balanced: its servers' counts differ by at most one. Otherwise, of the first set that is
     * not, the first simulator (by name) on the server with the most (the first by address among equals); the
     * replacement's server is the one with the fewest.
     *
     * @param moving the simulator stopped by the last move, or null
     */
    static Optional<Move> next(List<Spread> spreads, String moving) {
        for (Spread spread : spreads) {
            if ((moving != null && spread.hosts(moving)) || spread.running() != spread.wanted()
                    || !spread.elsewhere().isEmpty()) {
                return Optional.empty();
            }
        }
        Comparator<Map.Entry<String, List<String>>> byCount = Comparator.comparingInt(e -> e.getValue().size());
        Comparator<Map.Entry<String, List<String>>> byAddress = Map.Entry.comparingByKey();
        for (Spread spread : spreads) {
            if (spread.servers().size() < 2) {
                continue;
            }
            var most = spread.servers().entrySet().stream().min(byCount.reversed().thenComparing(byAddress)).get();
            var fewest = spread.servers().entrySet().stream().min(byCount.thenComparing(byAddress)).get();
            if (most.getValue().size() - fewest.getValue().size() > 1) {
                String simulator = most.getValue().stream().sorted().findFirst().get();
                return Optional.of(new Move(simulator, spread.set(), most.getKey(), fewest.getKey()));
            }
        }
        return Optional.empty();
    }

    private final Supplier<List<Spread>> spreads;
    private final Consumer<String> stopContainer;
    private final Clock clock;
    private final Duration timeout;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean closed;
    /** Only the thread touches it. */
    private String moving;

    /**
     * Starts the thread {@code <name>-simulator-rebalancer}.
     *
     * @param spreads       the spread of the world's simulators now, reading the registered servers
     * @param stopContainer stops a container of the cluster gracefully, by name ({@code Cluster::stop})
     */
    static SimulatorRebalancer start(Supplier<List<Spread>> spreads, Consumer<String> stopContainer, Clock clock,
                                     Duration timeout, String name) {
        SimulatorRebalancer rebalancer = new SimulatorRebalancer(spreads, stopContainer, clock, timeout, name);
        rebalancer.thread.start();
        return rebalancer;
    }

    private SimulatorRebalancer(Supplier<List<Spread>> spreads, Consumer<String> stopContainer, Clock clock,
                                Duration timeout, String name) {
        this.spreads = spreads;
        this.stopContainer = stopContainer;
        this.clock = clock;
        this.timeout = timeout;
        this.thread = new Thread(this::run, name + "-simulator-rebalancer");
        thread.setDaemon(true);
    }

    private void run() {
        while (!closed) {
            Clock.Scheduled alarm = clock.schedule(PERIOD, wake::release);
            try {
                wake.acquire();
            } catch (InterruptedException e) {
                return;
            } finally {
                alarm.cancel();
            }
            if (!closed) {
                try {
                    check();
                } catch (RuntimeException e) {
                    LOG.warn("Could not rebalance the simulators over their servers: {}", e.toString());
                }
            }
        }
    }

    private void check() {
        Optional<Move> move = next(spreads.get(), moving);
        if (move.isEmpty()) {
            return;
        }
        Move m = move.get();
        moving = m.simulator();
        LOG.info("Simulator {} of {} stops gracefully to move from {} to the less loaded {}", m.simulator(), m.set(),
                m.from(), m.to());
        try {
            stopContainer.accept(m.simulator());
        } catch (ClusterException e) {
            // The container is ending already.
        }
    }

    /** Stops the thread and waits for it (up to the world's timeout); no move starts after this returns. */
    @Override
    public void close() {
        closed = true;
        wake.release();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The simulator rebalancer did not stop within {}", timeout);
        }
    }
}
