package org.vvmhost.host.drill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;

/**
 * How a drill runs.
 *
 * @param kinds             the kinds of round, taken in turn
 * @param rounds            how many rounds
 * @param shuffle           if present, the seed with which the rounds' order is shuffled
 * @param seed              the seed of the random part of each dwell
 * @param replicas          replicas running at any time (local target)
 * @param lease             the replicas' lease: TTL and renew deadline
 * @param dwell             how long a leader runs before the next fault, plus up to one backup interval at random
 * @param faultDuration     how long an etcd member stays killed or frozen, or etcd's quorum lost
 * @param timeout           the most any awaited event may take; the drill fails if it does not happen by then
 * @param worldArguments    the world options the replicas run with ({@code --world-config}, {@code --world-set} …)
 * @param world             the world they give: its tick rate, its backup interval, its commands
 * @param reference         whether the leaders' world hashes are compared with a reference: an uninterrupted replica
 *                          of the same world, or under client load the world replayed from the command journal
 * @param commandsPerSecond the client's command rate; 0 for none
 * @param election          the election's name
 * @param report            the directory for report.html, report.json and the logs, if any
 */
public record DrillSettings(DrillTarget target, List<FaultKind> kinds, int rounds, OptionalLong shuffle, long seed,
        int replicas, LeaseSettings lease, Duration dwell, Duration faultDuration, Duration timeout,
        List<String> worldArguments, WorldConfig world, boolean reference, int commandsPerSecond, String election,
        Optional<Path> report) {

    public DrillSettings {
        Objects.requireNonNull(target, "target");
        kinds = List.copyOf(kinds);
        worldArguments = List.copyOf(worldArguments);
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(shuffle, "shuffle");
        Objects.requireNonNull(report, "report");
        require(!kinds.isEmpty(), "name at least one kind of round");
        require(rounds >= 1, "rounds must be at least 1, got " + rounds);
        require(replicas >= 2, "replicas must be at least 2 (a leader and a standby), got " + replicas);
        require(!dwell.isNegative(), "the dwell must not be negative, got " + dwell);
        require(faultDuration.compareTo(Duration.ZERO) > 0, "the fault duration must be above 0");
        require(timeout.compareTo(Duration.ZERO) > 0, "the timeout must be above 0");
        Objects.requireNonNull(world, "world");
        require(!world.tickRate().isMax(), "the drill needs a paced world (a tick rate in Hz, not max): the data "
                + "lost is counted in ticks");
        require(commandsPerSecond >= 0, "commands per second must not be negative, got " + commandsPerSecond);
        require(!election.isBlank(), "the election name must not be blank");
        require(!kinds.contains(FaultKind.ETCD_QUORUM_LOSS) || faultDuration.compareTo(lease.renewDeadline()) > 0,
                "ETCD_QUORUM_LOSS needs a fault duration above the renew deadline (" + lease.renewDeadline().toMillis()
                        + " ms), so that the leader certainly loses its term, got " + faultDuration.toMillis() + " ms");
    }

    /** The kind of each round, in order: the kinds in turn, shuffled if {@link #shuffle} is given. */
    public List<FaultKind> plan() {
        List<FaultKind> plan = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            plan.add(kinds.get(i % kinds.size()));
        }
        shuffle.ifPresent(shuffleSeed -> Collections.shuffle(plan, new Random(shuffleSeed)));
        return List.copyOf(plan);
    }

    /** The world's ticks per second. */
    public double tickRate() {
        return world.tickRate().hertz();
    }

    /** The commands the world takes, to read the command journal. */
    public CommandCatalog catalog() {
        return CommandCatalog.of(world, ComponentSetRegistry.builtIn());
    }

    /** Ticks between two world views. */
    public int backupInterval() {
        return world.backupInterval();
    }

    /** How long one world view interval lasts. */
    public Duration backupPeriod() {
        return Duration.ofNanos((long) (backupInterval() * 1e9 / tickRate()));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
