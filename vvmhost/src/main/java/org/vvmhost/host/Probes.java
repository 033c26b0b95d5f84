package org.vvmhost.host;

import java.util.Optional;
import org.vvmhost.services.world.service.BackupState;

/**
 * The probes' decision table: from the replica's state and the world's backups to each endpoint's verdict. A pure
 * function; the HTTP handlers gather its inputs.
 *
 * @param live    {@code /livez}: the process is healthy; only a VVM problem fails it, never etcd being unreachable
 * @param ready   {@code /readyz}: the leader with its services started and backups healthy, or a ready standby
 * @param leader  {@code /leader}: the leader with its services started
 * @param standby {@code /standby}: a standby that can take over now
 */
record Probes(Verdict live, Verdict ready, Verdict leader, Verdict standby) {

    /** A stale newest world view is older than this many backup intervals. */
    static final int STALE_AFTER_INTERVALS = 3;

    /** One probe's answer: 200 when {@code ok}, else 503; the reason says why either way. */
    record Verdict(boolean ok, String reason) {
        int status() {
            return ok ? 200 : 503;
        }
    }

    /**
     * What the probes need of the world.
     *
     * @param backups        empty until the world is up
     * @param tick           the last completed tick
     * @param preloaded      a standby's preloader: holds a checked view or not; empty when there is none (no view to preload)
     * @param warm           a standby's warm world: built or not; empty when there is none. Where there is one, it
     *                       decides whether the standby is ready, rather than the preloader
     * @param backupInterval ticks between world views
     * @param held           why this replica does not campaign, while the campaign gate holds it back (its config
     *                       does not match the stored world, or the store has not been read yet)
     */
    record World(Optional<BackupState> backups, long tick, Optional<Boolean> preloaded, Optional<Boolean> warm,
                 int backupInterval, Optional<String> held) {
        static final World NONE = new World(Optional.empty(), -1, Optional.empty(), 1);

        World(Optional<BackupState> backups, long tick, Optional<Boolean> preloaded, int backupInterval,
              Optional<String> held) {
            this(backups, tick, preloaded, Optional.empty(), backupInterval, held);
        }

        World(Optional<BackupState> backups, long tick, Optional<Boolean> preloaded, int backupInterval) {
            this(backups, tick, preloaded, backupInterval, Optional.empty());
        }
    }

    static Probes evaluate(ReplicaState state, World world) {
        Verdict live = state.problem().map(p -> new Verdict(false, p)).orElse(new Verdict(true, "alive"));
        Verdict leader = leader(state);
        Verdict standby = standby(state, world);
        Verdict ready;
        if (state.phase() == ReplicaState.Phase.SERVING) {
            Optional<String> unhealthy = backupProblem(world);
            ready = unhealthy.map(problem -> new Verdict(false, problem)).orElse(leader);
        } else if (state.phase() == ReplicaState.Phase.CAMPAIGNING || world.held().isPresent()
                && state.phase() == ReplicaState.Phase.STARTING) {
            ready = standby;
        } else {
            ready = new Verdict(false, notServing(state));
        }
        return new Probes(live, ready, leader, standby);
    }

    /** Why the leader's backups are not healthy: the last save failed, or the newest view is too old. */
    static Optional<String> backupProblem(World world) {
        if (world.backups().isEmpty()) {
            return Optional.empty();
        }
        BackupState backups = world.backups().get();
        if (backups.lastFailure().isPresent()) {
            BackupState.FailedSave failure = backups.lastFailure().get();
            return Optional.of("backups failing: the world view of tick " + failure.tick() + " was not saved ("
                    + failure.reason() + "): " + failure.message());
        }
        long age = world.tick() - backups.sinceTick();
        long limit = (long) STALE_AFTER_INTERVALS * world.backupInterval();
        if (age > limit) {
            return Optional.of("backups stale: the newest world view is of tick " + backups.sinceTick() + ", " + age
                    + " ticks behind tick " + world.tick() + ", more than " + STALE_AFTER_INTERVALS
                    + " backup intervals (" + limit + " ticks)");
        }
        return Optional.empty();
    }

    private static Verdict leader(ReplicaState state) {
        if (state.phase() == ReplicaState.Phase.SERVING) {
            return new Verdict(true, "leader with services started, fencing token "
                    + state.term().map(ReplicaState.Tenure::fencingToken).orElse("?"));
        }
        return new Verdict(false, notServing(state));
    }

    private static Verdict standby(ReplicaState state, World world) {
        boolean beforeCampaign = state.phase() == ReplicaState.Phase.STARTING
                || state.phase() == ReplicaState.Phase.CAMPAIGNING;
        if (beforeCampaign && world.held().isPresent()) {
            return new Verdict(false, world.held().get());
        }
        if (state.phase() != ReplicaState.Phase.CAMPAIGNING) {
            return new Verdict(false, state.phase() == ReplicaState.Phase.SERVING ? "this replica leads"
                    : notServing(state));
        }
        if (world.warm().isPresent()) {
            // Built only once the store was read, and kept while newer views are read and loaded into it.
            return world.warm().get() ? new Verdict(true, "standby campaigning, its world warm")
                    : new Verdict(false, "standby campaigning, its world not warm yet");
        }
        if (world.preloaded().isEmpty()) {
            return new Verdict(true, "standby campaigning; no world view to preload");
        }
        return world.preloaded().get() ? new Verdict(true, "standby campaigning, a world view preloaded")
                : new Verdict(false, "standby campaigning, world view not preloaded yet");
    }

    private static String notServing(ReplicaState state) {
        switch (state.phase()) {
            case STARTING:
                return "starting: the VVM has not launched yet";
            case CAMPAIGNING:
                return "a standby, not the leader";
            case ACQUIRED:
                return "leadership acquired, services starting";
            case SWITCHING_OVER:
                return "switching over to " + state.term().flatMap(ReplicaState.Tenure::switchoverTo).orElse("?")
                        + ": services stopping, then the term is released";
            case STOPPING:
                return "shutting down: " + state.stopReason().orElse("stop requested");
            case FAILED:
                return state.problem().orElse("failed");
            case STOPPED:
                return "shut down";
            default:
                return state.phase().toString();
        }
    }
}
