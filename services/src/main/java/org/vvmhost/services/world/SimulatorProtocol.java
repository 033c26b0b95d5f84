package org.vvmhost.services.world;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The messages between the tick coordinator (and its workload distributor) and the simulator containers. They
 * travel in-process, so they carry objects; a partition only ever crosses as an {@link AreaSnapshot} copy.
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

    /** One area's state with its progress: a passive's copy, a migration, a stop hook's hand-over. */
    record AreaState(int area, long progress, AreaSnapshot snapshot) {
        AreaState {
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }

    /**
     * Runs one step of {@code tick} on {@code areas}. {@code replicate}: areas whose state the ATTACH reply must
     * carry, for their passives.
     */
    record Run(long tick, Step step, Set<Integer> areas, BoundaryPlan plan, List<Simulator.Transfer> incoming,
               Set<Integer> replicate) {
    }

    /**
     * @param events   SIMULATE: what the areas reported
     * @param outgoing DETACH: the rows that left the areas
     * @param sizes    ATTACH: entities per area after the tick
     * @param replicas ATTACH: the state of the areas asked to replicate
     * @param missing  areas the coordinator expected this simulator to hold but it does not (a stale grant)
     */
    record Ran(TickEvents events, List<Simulator.Transfer> outgoing, Map<Integer, Integer> sizes,
               List<AreaState> replicas, List<Integer> missing) {
    }

    /** Keep a copy of an area (a passive following its active, or the first half of a migration). */
    record Follow(AreaState state) {
    }

    /** Stop following {@code area}. */
    record Unfollow(int area) {
    }

    /** Take authority with {@code grant}, from the copy last followed. Replies {@link Boolean}: had a copy. */
    record Adopt(AuthorityGrant grant) {
    }

    /** Give {@code area} up; replies its {@link AreaState}. */
    record Release(int area) {
    }

    /** Copies of held areas, kept held; replies a list of {@link AreaState}. */
    record Copy(Set<Integer> areas) {
    }

    /** Size and content hash of each held area; replies {@code Map<Integer, long[]{size, hash}>}. */
    record Measure(Set<Integer> areas) {
    }

    /** Drop everything held and followed (the world is rewinding). */
    record Reset() {
    }

    /** The reply of a message that only needs acknowledging. */
    enum Ack { OK }
}
