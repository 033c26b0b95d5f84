package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.time.Joins;
import org.vvmhost.services.time.Timers;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.time.Clock;

/**
 * The thread {@code world-warm} owns the world while it follows: it wakes when the preloader's reads change what it
 * knows (or a retry or a rehearsal is due), asks {@link #next} what to do, and builds or loads the world outside the
 * lock. Taking the world over stops the thread and joins it, so an update under way finishes first and the world then
 * has one owner.
 */
final class WarmWorld implements HotStandby {

    private static final Logger LOG = LoggerFactory.getLogger(WarmWorld.class);
    static final Duration RETRY = Duration.ofSeconds(1);
    /**
     * Loads of a new view repeated, once it has been the newest for {@link #REHEARSAL_DELAY}, until {@link
     * #REHEARSALS_IN_ALL} were: the code is compiled by then, and each view's own load keeps it so.
     */
    static final int REHEARSALS = 4;
    static final int REHEARSALS_IN_ALL = 12;
    static final Duration REHEARSAL_DELAY = Duration.ofSeconds(1);

    /** What to do next with the warm world. */
    enum Step {
        /** Nothing: it is where it should be, or there is nothing to go by yet. */
        WAIT,
        /** Spawn a fresh world: the store holds no intact view. */
        SPAWN,
        /** Bring the world to the newest view read: restore it, or load it into the world there is. */
        LOAD
    }

    /**
     * What the warm world is.
     *
     * @param built   whether there is a world
     * @param at      the view it holds; empty for a fresh world (or none)
     * @param refused a view it could not take (of another world, or corrupt), not tried again
     */
    record State(boolean built, Optional<WorldView.Header> at, Optional<WorldView.Header> refused) {
        static final State NONE = new State(false, Optional.empty(), Optional.empty());

        State {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(refused, "refused");
            if (!built && at.isPresent()) {
                throw new IllegalArgumentException("no world holds a view");
            }
        }
    }

    /**
     * The decision table: the newest view read is where the world should be; with none stored (and the store read
     * once), a fresh world; a view refused once is not tried again.
     */
    static Step next(State state, WorldViewPreloader.StoredWorld stored, Optional<WorldView.Header> newest) {
        if (newest.isPresent()) {
            return newest.equals(state.at()) || newest.equals(state.refused()) ? Step.WAIT : Step.LOAD;
        }
        return stored.read() && !state.built() ? Step.SPAWN : Step.WAIT;
    }

    private final WorldViewPreloader preloader;
    private final WorldConfig config;
    private final WorldRuntime runtime;
    private final WorldFactory worlds;
    private final Clock clock;
    private final Thread thread;

    // Guarded by this.
    private State state = State.NONE;
    private boolean following = true;
    /** Set when there may be something to do; true at first, to look once. */
    private boolean wake = true;
    private boolean clusterTaken;
    private boolean closed;
    /** Wakes the thread for a retry or a rehearsal. */
    private Clock.Scheduled alarm;
    /** Written by the thread while it follows; after it was joined, by whoever takes or closes. */
    private World world;
    /** The thread's own: the view to load again once {@link #rehearsalDue} has passed on the clock, if any. */
    private WorldView rehearsal;
    private long rehearsalDue;
    private int rehearsalsLeft = REHEARSALS_IN_ALL;

    private WarmWorld(WorldViewPreloader preloader, WorldConfig config, ComponentSetRegistry sets,
                      WorldRuntime runtime, Clock clock) {
        this.preloader = preloader;
        this.config = config;
        this.runtime = runtime;
        this.worlds = WorldFactory.of(sets, runtime);
        this.clock = clock;
        this.thread = new Thread(this::follow, "world-warm");
    }

    static WarmWorld start(WorldViewPreloader preloader, WorldConfig config, ComponentSetRegistry sets,
                           WorldRuntime runtime, Clock clock) {
        WarmWorld warm = new WarmWorld(preloader, config, sets, runtime, clock);
        warm.thread.start();
        return warm;
    }

    private void follow() {
        while (true) {
            State now;
            synchronized (this) {
                while (!wake && following) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (!following) {
                    return;
                }
                wake = false;
                now = state;
            }
            // Read in this order: a read that lands after the first completes changedSince at once, and we look again.
            WorldViewPreloader.StoredWorld stored = preloader.stored();
            Optional<WorldView> newest = preloader.latest();
            Step step = next(now, stored, newest.map(WorldView::header));
            if (step != Step.WAIT) {
                rehearsal = null;
                if (update(step, newest) && step == Step.LOAD && rehearsalsLeft > 0) {
                    rehearsal = newest.get();
                    rehearsalDue = clock.nanoTime() + REHEARSAL_DELAY.toNanos();
                    wakeIn(REHEARSAL_DELAY);
                }
            } else if (rehearsal != null && clock.nanoTime() >= rehearsalDue) {
                rehearse(rehearsal, stored);
                rehearsal = null;
            }
            preloader.changedSince(stored).thenRun(this::wakeUp);
        }
    }

    /**
     * Loads {@code view} into the world again, up to {@link #REHEARSALS} times (and within what is left of
     * {@link #REHEARSALS_IN_ALL}), while nothing newer was read: the JVM compiles code that runs often, so a takeover's
     * last load, of the leader's final view, then runs compiled and several times faster. The world ends as it was.
     */
    private void rehearse(WorldView view, WorldViewPreloader.StoredWorld seen) {
        World current;
        synchronized (this) {
            current = world;
        }
        if (current == null) {
            return;
        }
        try {
            for (int i = 0; i < REHEARSALS && rehearsalsLeft > 0 && isFollowing() && preloader.stored() == seen; i++) {
                current.load(view);
                rehearsalsLeft--;
            }
        } catch (RuntimeException e) {
            failed(current, e);
        }
    }

    private synchronized boolean isFollowing() {
        return following;
    }

    /** Wakes the thread after {@code delay} on the clock, unless it stops first. */
    private synchronized void wakeIn(Duration delay) {
        if (following) {
            alarm = clock.schedule(delay, this::wakeUp);
        }
    }

    private synchronized void wakeUp() {
        wake = true;
        notifyAll();
    }

    /**
     * Builds or loads the world, on the thread; whether that worked. A failure other than a refused view is tried
     * again later.
     */
    private boolean update(Step step, Optional<WorldView> newest) {
        long began = clock.nanoTime();
        World current;
        synchronized (this) {
            current = world;
        }
        try {
            if (step == Step.SPAWN) {
                current = worlds.create(config);
                settle(current, new State(true, Optional.empty(), Optional.empty()));
                LOG.info("standby: warm fresh world of seed {} built in {} ms, ready to take over", config.seed(),
                        (clock.nanoTime() - began) / 1_000_000);
                return true;
            }
            WorldView view = newest.orElseThrow();
            if (current == null) {
                current = worlds.restore(config, view);
            } else {
                current.load(view);
            }
            settle(current, new State(true, Optional.of(view.header()), Optional.empty()));
            LOG.info("standby: warm world at {} in {} ms, ready to take over", view.header(),
                    (clock.nanoTime() - began) / 1_000_000);
            return true;
        } catch (WorldViewException e) {
            // Not this world's view (the campaign gate holds such a replica back), or a corrupt one: keep what we have.
            LOG.warn("standby: the warm world cannot take {}: {}", newest.map(WorldView::header).orElseThrow(),
                    e.getMessage());
            synchronized (this) {
                world = current;
                state = new State(state.built(), state.at(), newest.map(WorldView::header));
            }
        } catch (RuntimeException e) {
            failed(current, e);
        }
        return false;
    }

    /** The world could not be built or brought up to date: it is closed, and built again after {@link #RETRY}. */
    private void failed(World broken, RuntimeException e) {
        LOG.warn("standby: the warm world could not be {} ({}); trying again in {} ms", broken == null ? "built"
                : "updated", e.toString(), RETRY.toMillis());
        if (broken != null) {
            broken.close();
        }
        synchronized (this) {
            world = null;
            state = State.NONE;
        }
        wakeIn(RETRY);
    }

    private synchronized void settle(World built, State reached) {
        world = built;
        state = reached;
    }

    @Override
    public synchronized boolean warm() {
        return state.built() && !closed;
    }

    @Override
    public synchronized Optional<Cluster> takeCluster() {
        if (closed || clusterTaken || runtime.cluster().isEmpty()) {
            return Optional.empty();
        }
        clusterTaken = true;
        return runtime.cluster();
    }

    @Override
    public Optional<World> takeWorld(Optional<WorldView> view) {
        stopFollowing();
        World warm;
        State held;
        boolean onTakenCluster;
        synchronized (this) {
            warm = closed ? null : world;
            world = null;
            held = state;
            // Taken or closed below: either way this standby holds no world any more.
            state = State.NONE;
            onTakenCluster = clusterTaken || runtime.cluster().isEmpty();
        }
        if (warm == null) {
            return Optional.empty();
        }
        String target = view.map(v -> v.header().toString()).orElse("a fresh world");
        if (!onTakenCluster || view.isEmpty() && held.at().isPresent()) {
            LOG.info("the warm world ({}) is not taken over: {} is asked for{}", held.at().map(
                    Object::toString).orElse("fresh"), target, onTakenCluster ? "" : " on another cluster");
            warm.close();
            return Optional.empty();
        }
        if (view.isEmpty() || held.at().equals(view.map(WorldView::header))) {
            LOG.info("taking over the warm world as it is: {}", target);
            return Optional.of(warm);
        }
        long began = clock.nanoTime();
        try {
            warm.load(view.get());
        } catch (RuntimeException e) {
            LOG.warn("the warm world cannot take {} ({}); it is closed", target, e.getMessage());
            warm.close();
            return Optional.empty();
        }
        LOG.info("taking over the warm world with {} loaded into it in {} ms", target,
                (clock.nanoTime() - began) / 1_000_000);
        return Optional.of(warm);
    }

    /** Ends the thread, after the update under way if any, and joins it. */
    private void stopFollowing() {
        Clock.Scheduled timer;
        synchronized (this) {
            following = false;
            timer = alarm;
            alarm = null;
            notifyAll();
        }
        Timers.cancel(timer);
        Joins.uninterruptibly(thread);
    }

    @Override
    public void close() {
        stopFollowing();
        World left;
        boolean ownCluster;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ownCluster = !clusterTaken;
            // A world on a cluster that was taken is the new owner's to stop with it (it may be closed already).
            left = ownCluster ? world : null;
            world = null;
        }
        if (left != null) {
            left.close();
        }
        if (ownCluster) {
            runtime.cluster().ifPresent(Cluster::close);
        }
    }
}
