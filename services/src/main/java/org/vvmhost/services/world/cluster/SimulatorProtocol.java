package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vvmhost.services.cluster.Request;
import org.vvmhost.services.world.core.AreaDelta;
import org.vvmhost.services.world.core.AreaCommand;
import org.vvmhost.services.world.core.AreaSnapshot;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.services.world.core.BoundaryPlan;
import org.vvmhost.services.world.core.EntityRows;
import org.vvmhost.services.world.core.TickEvents;
import org.vvmhost.services.world.core.Transfer;
import org.vvmhost.time.Clock;

/**
 * The messages between the tick coordinator (and its workload distributor) and the simulator containers: a sealed
 * family of requests, each naming its reply type. They are plain values (primitives, arrays, ids and records of
 * those), with no reference into the coordinator's memory, so that they can cross a process boundary; a partition
 * only ever crosses as an {@link AreaSnapshot} copy. Authority travels with the work: a step names the epoch of the
 * grant each area must be held under.
 *
 * <p>Progress: every held area counts the steps it has completed, {@code 3 × tick + step} (simulate 0, detach 1,
 * attach 2; a world at tick T is at {@code 3T + 2}). A simulator runs a step only on areas exactly one step
 * behind it and skips areas already past it, so a step can be resent safely after a handover.
 */
final class SimulatorProtocol {

    private SimulatorProtocol() {
    }

    enum Step { SIMULATE, DETACH, ATTACH }

    static long progress(long tick, Step step) {
        return 3 * tick + step.ordinal();
    }

    /** The progress of a world whose last completed tick is {@code tick}. */
    static long completed(long tick) {
        return progress(tick, Step.ATTACH);
    }

    /** Areas as the protocol carries them. */
    static int[] areas(Collection<Integer> areas) {
        return areas.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Areas as the protocol carries them, back in a list. */
    static List<Integer> areas(int[] areas) {
        return Arrays.stream(areas).boxed().toList();
    }

    /** One area's state with its progress: a passive's copy, a migration, a stop hook's hand-over. */
    record AreaState(int area, long progress, AreaSnapshot snapshot) {
        AreaState {
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }

    /**
     * One area's state after a tick, for its passives: the full state ({@code full}), or what changed since the
     * state they hold ({@code delta}); exactly one is present.
     */
    record Replica(int area, long progress, AreaSnapshot full, AreaDelta delta) {
        Replica {
            if ((full == null) == (delta == null)) {
                throw new IllegalArgumentException("a replica of area " + area + " carries a full state or a delta");
            }
        }

        /** The replicas with deltas of their own, cut to size (see {@link AreaDelta}), to leave the process. */
        static List<Replica> cutToSize(List<Replica> replicas) {
            return replicas.stream().map(r -> r.delta == null ? r
                    : new Replica(r.area, r.progress, null, r.delta.cutToSize())).toList();
        }
    }

    /** A request to a simulator container; each names its reply type and is answered by {@link Simulating}. */
    sealed interface SimulatorRequest<R> extends Request<R>
            permits Run, Follow, Sync, Unfollow, Adopt, Release, Copy, Measure, Inspect, Reset {
        R handledBy(Simulating simulator);
    }

    /** Whatever answers simulator requests: a simulator, or the line to one in another process. */
    interface Answering {
        <R> R answer(SimulatorRequest<R> request);
    }

    /**
     * A simulator container's reply to {@code request}: a request the simulator refuses (an
     * {@link IllegalStateException}) fails alone, as it does not crash the container; anything else thrown does.
     */
    static <R> CompletionStage<R> reply(Request<R> request, Answering simulator) {
        if (!(request instanceof SimulatorRequest<R> simulatorRequest)) {
            throw new IllegalArgumentException("a simulator does not understand " + request);
        }
        try {
            return CompletableFuture.completedFuture(simulator.answer(simulatorRequest));
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What a simulator container does with each request. */
    interface Simulating {
        Ran run(Run run);

        Ack follow(Follow follow);

        Synced sync(Sync sync);

        Ack unfollow(Unfollow unfollow);

        Boolean adopt(Adopt adopt);

        AreaState release(Release release);

        List<AreaState> copy(Copy copy);

        Measured measure(Measure measure);

        EntityRows inspect(Inspect inspect);

        Ack reset(Reset reset);
    }

    /**
     * Runs one step of {@code tick} on {@code areas}, each under the grant of epoch {@code epochs[i]} (a grant of
     * another epoch is stale: the write is rejected and the area dropped). {@code commands}: SIMULATE's commands,
     * area by area in the order of {@code areas}, applied before the area ticks (a step resent to a new holder
     * carries them again, and an area that already took the step skips them with it); {@code plan}: the tick's
     * boundary plan (null for SIMULATE); {@code incoming}: ATTACH's arrivals for this set; {@code replicate}: areas
     * whose state the ATTACH reply must carry, for their passives.
     */
    record Run(long tick, Step step, int[] areas, long[] epochs, List<List<AreaCommand>> commands, BoundaryPlan plan,
               List<Transfer> incoming, int[] replicate) implements SimulatorRequest<Ran> {
        @Override
        public Ran handledBy(Simulating simulator) {
            return simulator.run(this);
        }
    }

    /**
     * @param events     SIMULATE: what the areas reported
     * @param outgoing   DETACH: the rows that left the areas
     * @param sizedAreas ATTACH: the areas held after the tick, and {@code sizes}: their entities, index by index
     * @param replicas   ATTACH: the state of the areas asked to replicate, full or as deltas
     * @param missing    areas the coordinator expected this simulator to hold but it does not (a stale grant)
     * @param rejected   writes rejected during this step because their grant was stale
     */
    record Ran(TickEvents events, List<Transfer> outgoing, int[] sizedAreas, int[] sizes, List<Replica> replicas,
               int[] missing, long rejected) {

        /** This reply with deltas of their own, to leave the process. */
        Ran cutToSize() {
            return new Ran(events, outgoing, sizedAreas, sizes, Replica.cutToSize(replicas), missing, rejected);
        }
    }

    /** Keep a copy of an area (a passive following its active, or the first half of a migration). */
    record Follow(AreaState state) implements SimulatorRequest<Ack> {
        @Override
        public Ack handledBy(Simulating simulator) {
            return simulator.follow(this);
        }
    }

    /** A passive's areas after a tick, all in one message: each replaces or updates the copy followed. */
    record Sync(List<Replica> replicas) implements SimulatorRequest<Synced> {
        @Override
        public Synced handledBy(Simulating simulator) {
            return simulator.sync(this);
        }
    }

    /**
     * The areas whose delta did not fit the copy held (a delta missed, or a checksum that differs): the passive
     * has dropped those copies, and follows them again only from a full state.
     */
    record Synced(int[] stale) {
    }

    /** Stop following {@code area}. */
    record Unfollow(int area) implements SimulatorRequest<Ack> {
        @Override
        public Ack handledBy(Simulating simulator) {
            return simulator.unfollow(this);
        }
    }

    /** Take authority with {@code grant}, from the copy last followed. Replies whether there was a copy. */
    record Adopt(AuthorityGrant grant) implements SimulatorRequest<Boolean> {
        @Override
        public Boolean handledBy(Simulating simulator) {
            return simulator.adopt(this);
        }
    }

    /** Give {@code area} up; replies its state. */
    record Release(int area) implements SimulatorRequest<AreaState> {
        @Override
        public AreaState handledBy(Simulating simulator) {
            return simulator.release(this);
        }
    }

    /** Copies of held areas, kept held. */
    record Copy(int[] areas) implements SimulatorRequest<List<AreaState>> {
        @Override
        public List<AreaState> handledBy(Simulating simulator) {
            return simulator.copy(this);
        }
    }

    /** Size and content hash of each held area. */
    record Measure(int[] areas) implements SimulatorRequest<Measured> {
        @Override
        public Measured handledBy(Simulating simulator) {
            return simulator.measure(this);
        }
    }

    /**
     * Reads entities of held areas, between ticks, for a query: {@code ids} where found, or, with {@code ids} null,
     * up to {@code limit} of each area, lowest ids first.
     */
    record Inspect(int[] areas, long[] ids, int limit) implements SimulatorRequest<EntityRows> {
        @Override
        public EntityRows handledBy(Simulating simulator) {
            return simulator.inspect(this);
        }
    }

    /** The size and content hash of each measured area, index by index. */
    record Measured(int[] areas, long[] sizes, long[] hashes) {
    }

    /** Drop everything held and followed (the world is rewinding). */
    record Reset() implements SimulatorRequest<Ack> {
        @Override
        public Ack handledBy(Simulating simulator) {
            return simulator.reset(this);
        }
    }

    /** The reply of a message that only needs acknowledging. */
    enum Ack { OK }

    /** From a simulator that stops gracefully to its coordinator: the state of every area it was active for. */
    record HandOver(String container, int setIndex, List<AreaState> states) {
    }

    /** A simulator's line to its coordinator. */
    interface Coordinator {
        /** Takes a stopping simulator's areas; completes once they are placed (or refused). */
        CompletableFuture<Void> handOver(HandOver handOver);

        /** Whether the world is closing: then a stopping simulator hands nothing over. */
        boolean closing();

        /** Hands {@code handOver} over and waits until it is confirmed, or the world begins closing meanwhile. */
        default void handOverAndWait(HandOver handOver, Clock clock, Duration timeout) throws Exception {
            CompletableFuture<Void> handedOver = clock.orTimeout(handOver(handOver), timeout,
                    "the coordinator did not confirm the hand-over");
            if (closing()) {
                // The world began closing after the caller's check: its distributor may have drained its notices
                // before this one arrived, and nobody would confirm it. The world does not need the areas any more.
                return;
            }
            handedOver.get();
        }
    }
}
