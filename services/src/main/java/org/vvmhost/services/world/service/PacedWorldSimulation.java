package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.time.Timers;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.journal.CommandJournal;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.view.WorldViewCodec;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;
import org.vvmhost.vvm.Causes;
import org.vvmhost.vvm.ServiceContext;

/**
 * The tick loop owns the world: only the {@code world-tick} thread touches it after start. Backups are snapshots taken
 * on that thread and written on {@code world-backup}, one at a time, so a slow store delays a tick only when a write
 * is still running at the next backup. Commands come in through the {@link CommandIntake} (journaled on
 * {@code world-journal}) and are applied at the start of their tick; queries wait in a queue that the loop serves
 * while it waits for the next tick; a summary is published at an interval for the stream and the inspector.
 */
final class PacedWorldSimulation implements WorldSimulationService, WorldGateway {

    private static final Logger LOG = LoggerFactory.getLogger(PacedWorldSimulation.class);
    /** A loop further behind than this gives up catching up, instead of bursting ticks. */
    private static final Duration MAX_CATCH_UP = Duration.ofSeconds(1);
    /** Queries a late loop serves after a tick before it starts the next one; an idle loop serves all. */
    private static final int QUERIES_WHEN_LATE = 16;
    /** Entities the summary shows as dots, spread over the areas. */
    private static final int SAMPLE = 400;
    /** Points of the tick chart kept: ten minutes at the default interval. */
    private static final int TIMELINE_POINTS = 1200;

    /**
     * Where the world comes from on start: the store of its views, a view preloaded while this replica stood by, a
     * hot standby's warm world, and the runtime its simulators run on (chosen once the store is open).
     */
    record Sources(StoreOpener store, Optional<WorldViewPreloader> preloader, Optional<HotStandby> hot,
                   RuntimeChooser runtimes) {
    }

    /** A read queued for the loop; it runs once the world has completed {@code minTick}. */
    private record Query<T>(Function<World, T> read, long minTick, CompletableFuture<T> result) {
        void run(World world) {
            try {
                result.complete(read.apply(world));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private final WorldServiceSettings settings;
    private final ComponentSetRegistry sets;
    private final Sources sources;
    private final Clock clock;
    private final TickTimes tickTimes = new TickTimes();
    private final WorldMeters meters;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** Released by the pacing timer, by a query and by stop. */
    private final Semaphore wakeups = new Semaphore(0);
    private final ConcurrentLinkedQueue<Query<?>> queries = new ConcurrentLinkedQueue<>();
    private final List<Consumer<WorldSummary>> listeners = new CopyOnWriteArrayList<>();
    /** Guarded by itself. */
    private final ArrayDeque<WorldSummary.Point> timeline = new ArrayDeque<>();
    /** Built with the service, which a standby does long before it may lead: both are on the path of a takeover. */
    private final CommandCatalog catalog;
    private final JournalCodec codec;
    private volatile WorldSummary summary;
    /** Whether the world takes commands and queries: from the end of start to the beginning of stop. */
    private volatile boolean running;

    private volatile boolean stopping;
    /** Set once a write was refused because this leader was deposed: nothing more may be written. */
    private volatile boolean deposed;
    private volatile long tick = -1;
    private volatile WorldView.Header lastBackup;
    private volatile WorldProgress progress;
    private volatile BackupState backupState;
    /** Set in start: the restored view was not where the manifest said, so it is saved again at once. */
    private boolean writeBackNow;

    // Set in start, before the threads start.
    private ServiceContext context;
    private WorldViewStore store;
    private CommandIntake intake;
    private volatile World world;
    private Thread loop;
    private ExecutorService backups;
    /** The backups' one thread, joined at stop: a terminated executor's worker may still be exiting. */
    private volatile Thread backupThread;
    /** What the loop failed with at its end (the final backup); stop throws it. */
    private volatile RuntimeException finalFailure;
    /** The tick of the newest view saved or restored: the journal is trimmed through it once a newer one is saved. */
    private volatile long newestViewTick;
    // The loop's own, for the summaries.
    private long summaryTick;
    private long summaryNanos;
    private long intervalTicks;
    private long intervalTickNanos;
    private long intervalMaxTickNanos;

    PacedWorldSimulation(WorldServiceSettings settings, ComponentSetRegistry sets, Sources sources, Clock clock,
                         WorldMeters meters) {
        this.settings = settings;
        this.sets = sets;
        this.sources = sources;
        this.clock = clock;
        this.meters = meters;
        this.catalog = CommandCatalog.of(settings.config(), sets);
        this.codec = new JournalCodec(catalog);
    }

    /** Points the gauges at this service; called once it is fully built. */
    PacedWorldSimulation observed() {
        meters.observe(this);
        return this;
    }

    @Override
    public String name() {
        return "world-simulation";
    }

    @Override
    public void start(ServiceContext context) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the world simulation service starts once");
        }
        this.context = context;
        this.store = sources.store().open(context);
        CommandJournal journal = CommandJournal.inElection(context.data(), context.term(), codec,
                settings.storeTimeout(), clock);
        // Asked now, so that it is read while the world opens: both are on the path of a takeover.
        CompletableFuture<List<JournalEntry>> entries = journal.readAfterAsync(0);
        WorldRuntime runtime = sources.runtimes().runtime(context, store);
        World opened = openWorld(runtime);
        this.world = opened;
        try {
            this.intake = new CommandIntake(journal, clock, settings.commands(), context.term().lost(),
                    this::reportUnlessTheTermEnds);
            newestViewTick = opened.tick();
            replayJournal(entries);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        this.tick = opened.tick();
        // The restored view says what the world holds, unless the journal's replay took it further.
        this.progress = backupState.newest().map(BackupState.SavedView::header).filter(h -> h.tick() == tick)
                .map(PacedWorldSimulation::progressOf)
                .orElseGet(() -> new WorldProgress(opened.tick(), opened.hash(), opened.population()));
        this.backups = Executors.newSingleThreadExecutor(task -> {
            backupThread = new Thread(task, "world-backup");
            return backupThread;
        });
        WorldConfig config = settings.config();
        LOG.info("world simulation started at tick {}: {} entities, {}×{} areas, sets {}, simulators {}, "
                        + "tick rate {}, a world view every {} ticks to {}", tick, progress.population(),
                config.areas().rows(), config.areas().cols(), config.componentSets().keySet(), describe(runtime),
                config.tickRate(), config.backupInterval(), store.description());
        intake.start();
        running = true;
        this.loop = new Thread(this::runLoop, "world-tick");
        loop.start();
    }

    /**
     * Reports {@code failure} (a journal write refused by the fence, given up at the term's loss, or of unknown
     * outcome) only if neither the term's loss nor a stop comes within the store timeout: a leader paused or cut off
     * past its lease finds its write timed out in the same moment as its term ends, and that is a loss of leadership,
     * which the leadership monitor reports as such.
     */
    private void reportUnlessTheTermEnds(RuntimeException failure) {
        clock.orTimeout(CompletableFuture.anyOf(context.term().lost(), context.stopToken()), settings.storeTimeout(),
                "the term's loss").whenComplete((lostOrStopped, notNoticed) -> {
                    if (notNoticed != null) {
                        context.reportFailure(failure);
                    }
                });
    }

    /**
     * Takes over the command journal and replays it past the restored view, tick by tick, up to the last tick it
     * names: every command a predecessor acknowledged is applied before this leader takes new ones.
     */
    private void replayJournal(CompletableFuture<List<JournalEntry>> read) {
        List<JournalEntry> entries;
        try {
            entries = read.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
        intake.restore(entries, world.tick(), world.lastCommandSeq());
        long from = world.tick();
        long to = intake.lastJournaledTick();
        if (to <= from) {
            if (!entries.isEmpty()) {
                LOG.info("command journal: {} entries, all applied in the world of tick {}", entries.size(), from);
            }
            return;
        }
        long began = clock.nanoTime();
        while (world.tick() < to) {
            world.step(intake::commandsOf);
        }
        LOG.info("replayed the command journal from tick {} to tick {} ({} entries, {} commands applied in all) in {} "
                        + "ms", from + 1, to, entries.size(), world.status().commands().applied(),
                (clock.nanoTime() - began) / 1_000_000);
    }



    private World openWorld(WorldRuntime runtime) {
        WorldConfig config = settings.config();
        Optional<WorldView> claimed = sources.preloader().flatMap(WorldViewPreloader::claim);
        Optional<WorldViewStore.LoadResult> loaded = claimed.isPresent() ? Optional.empty()
                : Optional.of(store.load());
        Optional<WorldView> held = claimed.isPresent() ? Optional.empty()
                : sources.preloader().flatMap(this::heldOfThisWorld);
        RestoreChoice choice = RestoreChoice.decide(claimed, loaded, held, store.description(), config.seed());
        if (choice.error()) {
            LOG.error(choice.message());
        } else {
            LOG.info(choice.message());
        }
        writeBackNow = choice.writeBack();
        Optional<World> warm = sources.hot().flatMap(standby -> standby.takeWorld(choice.view()));
        if (choice.view().isEmpty()) {
            World fresh = warm.orElseGet(() -> WorldFactory.of(sets, runtime).create(config));
            backupState = new BackupState(Optional.empty(), fresh.tick(), clock.nanoTime(), Optional.empty(),
                    choice.recovery());
            return fresh;
        }
        WorldView view = choice.view().get();
        try {
            World restored = warm.orElseGet(() -> WorldFactory.of(sets, runtime).restore(config, view));
            backupState = new BackupState(Optional.of(new BackupState.SavedView(view.header(), view.bytes().length,
                    Duration.ZERO, true)), view.tick(), clock.nanoTime(), Optional.empty(), choice.recovery());
            return restored;
        } catch (WorldViewException e) {
            throw new WorldViewException("cannot restore the world from " + store.description() + ": "
                    + e.getMessage() + ". Run with the world config that view was written with, or move the world "
                    + "views away to start a fresh world", e);
        }
    }

    /** The view this replica preloaded as a standby, if it is of this service's world. */
    private Optional<WorldView> heldOfThisWorld(WorldViewPreloader standby) {
        Optional<WorldView> held = standby.latest();
        Optional<WorldViewCodec.Mismatch> other = held.flatMap(view -> WorldViewCodec.mismatch(
                WorldCore.of(settings.config(), sets), view.header()));
        other.ifPresent(mismatch -> LOG.warn("this replica holds a preloaded world view of another world, not used: "
                + "{}", mismatch.message()));
        return other.isPresent() ? Optional.empty() : held;
    }

    private static String describe(WorldRuntime runtime) {
        if (runtime.simulatorServers().isPresent()) {
            return "on simulator processes";
        }
        return runtime.cluster().isPresent() ? "as containers of the in-process cluster"
                : "on " + runtime.threads() + " thread(s)";
    }

    private void runLoop() {
        long period = settings.config().tickRate().period().toNanos();
        long lastTick = settings.lastTick().orElse(Long.MAX_VALUE);
        int backupInterval = settings.config().backupInterval();
        long logEvery = settings.logInterval().toNanos();
        CompletableFuture<Void> pendingBackup = CompletableFuture.completedFuture(null);
        long restoredTick = world.tick();
        if (writeBackNow) {
            // The store lost this view, or lost track of it: put it back before anything else can go.
            pendingBackup = backUp(pendingBackup, world.snapshot());
        }
        boolean healthy = true;
        long origin = clock.nanoTime();
        long nextLog = origin + logEvery;
        long summaryEvery = settings.summaryInterval().toNanos();
        long nextSummary = origin + summaryEvery;
        long n = 0;
        CommandSource commands = intake::commandsOf;
        intake.schedule(new TickSchedule(world.tick() + 1, origin, period));
        // Here rather than in start, which is on the path of a takeover.
        publishSummary();
        try {
            while (!stopping && world.tick() < lastTick) {
                long deadline = origin + n * period;
                long now = clock.nanoTime();
                if (period > 0 && deadline > now) {
                    if (!awaitUntil(deadline)) {
                        break;
                    }
                    now = clock.nanoTime();
                } else if (period > 0 && now - deadline > MAX_CATCH_UP.toNanos()) {
                    LOG.warn("world tick {} is {} ms behind schedule: skipping ahead instead of catching up",
                            world.tick() + 1, (now - deadline) / 1_000_000);
                    origin += now - deadline;
                    intake.schedule(new TickSchedule(world.tick() + 1 - n, origin, period));
                }
                boolean late = period > 0 && now - (origin + n * period) > period;
                long began = clock.nanoTime();
                world.step(commands);
                long took = clock.nanoTime() - began;
                tickTimes.record(took, late);
                meters.ticked(took, late);
                intervalTicks++;
                intervalTickNanos += took;
                intervalMaxTickNanos = Math.max(intervalMaxTickNanos, took);
                tick = world.tick();
                n++;
                if (tick % backupInterval == 0 && !deposed) {
                    pendingBackup = backUp(pendingBackup, world.snapshot());
                }
                if (clock.nanoTime() >= nextSummary) {
                    nextSummary = clock.nanoTime() + summaryEvery;
                    publishSummary();
                }
                if (clock.nanoTime() >= nextLog) {
                    nextLog = clock.nanoTime() + logEvery;
                    logProgress();
                }
                serveQueries(QUERIES_WHEN_LATE);
            }
            if (!stopping) {
                LOG.info("world reached its last tick {}; holding it until the service stops", world.tick());
                logProgress();
                publishSummary();
                while (!stopping) {
                    awaitUntil(Long.MAX_VALUE);
                }
            }
        } catch (RuntimeException | Error e) {
            healthy = false;
            IllegalStateException failure = new IllegalStateException("the world simulation failed at tick "
                    + (world.tick() + 1) + ": " + e, e);
            if (e instanceof CommandIntake.OutcomeUnknownException) {
                // A leader paused past its lease finds its journal write in doubt before its term notices the loss.
                reportUnlessTheTermEnds(failure);
            } else {
                context.reportFailure(failure);
            }
        }
        try {
            // The writes at the end of a term are bounded: the one in flight and the final one share the store
            // timeout, and once leadership is lost the store abandons at once.
            long deadline = clock.nanoTime() + settings.storeTimeout().toNanos();
            if (!finishedBy(pendingBackup, deadline)) {
                LOG.warn("the world view being written did not finish within {}; it is given up",
                        Durations.text(settings.storeTimeout()));
            }
            WorldView.Header saved = lastBackup;
            boolean unsaved = world.tick() != restoredTick && (saved == null || saved.tick() != world.tick());
            // Stopping because leadership was lost: the fence would refuse the write, and the successor restores
            // the last backup this term saved.
            boolean leading = context.term().status() != Term.Status.LOST;
            if (healthy && !deposed && unsaved && leading) {
                saveFinal(world.snapshot(), deadline);
            } else if (unsaved && !leading) {
                LOG.warn("leadership was lost: no final backup of tick {}; the successor restores the last saved one "
                        + "({})", world.tick(), saved == null ? "none" : "tick " + saved.tick());
            }
            if (healthy) {
                // The final view says what the world holds; asking every simulator again would delay the handover.
                WorldView.Header last = lastBackup;
                logProgress(last != null && last.tick() == world.tick() ? progressOf(last)
                        : new WorldProgress(world.tick(), world.hash(), world.population()));
            }
        } catch (RuntimeException e) {
            finalFailure = e;
        } finally {
            running = false;
            failQueries();
            world.close();
        }
    }

    /**
     * Writes the final view on the backup thread and waits for it until {@code deadline}. A write that has not
     * finished by then is given up (stop interrupts it) and counts as not saved.
     */
    private void saveFinal(WorldView view, long deadline) {
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> save(view, true), backups);
        if (finishedBy(write, deadline)) {
            try {
                write.join();
            } catch (CompletionException e) {
                // The failure that save logged; stop rethrows it.
                throw e.getCause() instanceof RuntimeException failure ? failure : e;
            }
            return;
        }
        WorldView.Header saved = lastBackup;
        if (saved != null && saved.tick() == view.tick()) {
            // Saved just as the wait ran out.
            return;
        }
        LOG.error("final backup: the world view of tick {} was not saved within {}; given up, so the successor "
                + "restores the last saved one ({})", view.tick(), Durations.text(settings.storeTimeout()),
                saved == null ? "none" : "tick " + saved.tick());
        throw new WorldViewException("the world view of tick " + view.tick() + " was not saved within "
                + Durations.text(settings.storeTimeout()));
    }

    /** Waits for {@code write} until {@code deadline} on the clock; false if it was still running then. */
    private boolean finishedBy(CompletableFuture<Void> write, long deadline) {
        try {
            clock.orTimeout(write.copy(), Duration.ofNanos(Math.max(0, deadline - clock.nanoTime()))).join();
            return true;
        } catch (CompletionException e) {
            return !(e.getCause() instanceof TimeoutException);
        }
    }

    /**
     * Waits until {@code deadline} on the clock ({@link Long#MAX_VALUE}: until stopped), serving queries meanwhile;
     * false when the wait ended because of a stop.
     */
    private boolean awaitUntil(long deadline) {
        while (true) {
            serveQueries(Integer.MAX_VALUE);
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return !stopping;
            }
            Clock.Scheduled timer = deadline == Long.MAX_VALUE ? null
                    : clock.schedule(Duration.ofNanos(left), wakeups::release);
            try {
                wakeups.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } finally {
                Timers.cancel(timer);
            }
            if (stopping) {
                return false;
            }
        }
    }

    /** Runs up to {@code max} queued queries whose tick the world has reached. */
    private void serveQueries(int max) {
        int served = 0;
        for (Iterator<Query<?>> it = queries.iterator(); it.hasNext() && served < max; ) {
            Query<?> query = it.next();
            if (query.minTick() <= world.tick()) {
                it.remove();
                query.run(world);
                served++;
            }
        }
    }

    private void failQueries() {
        CommandRefusedException stopped = unavailable("the world simulation stopped");
        for (Query<?> query = queries.poll(); query != null; query = queries.poll()) {
            query.result().completeExceptionally(stopped);
        }
    }

    /** Builds and publishes a summary of the world, between two ticks. */
    private void publishSummary() {
        World w = world;
        long now = clock.nanoTime();
        WorldStatus status = w.status();
        WorldGeometry geometry = settings.config().geometry();
        List<WorldSummary.AreaSummary> areas = new ArrayList<>();
        String firstSet = settings.config().componentSets().keySet().iterator().next();
        for (int area = 0; area < geometry.areaCount(); area++) {
            List<WorldSummary.Owner> owners = new ArrayList<>();
            long entities = 0;
            for (WorldStatus.AreaRoles roles : status.areas()) {
                if (roles.area() == area) {
                    owners.add(new WorldSummary.Owner(roles.set(), roles.active(), roles.passives(), roles.epoch()));
                    if (roles.set().equals(firstSet)) {
                        entities = roles.entities();
                    }
                }
            }
            areas.add(new WorldSummary.AreaSummary(area, area / geometry.cols(), area % geometry.cols(), entities,
                    owners));
        }
        double seconds = (now - summaryNanos) / 1e9;
        double rate = summaryNanos == 0 || seconds <= 0 ? 0 : (w.tick() - summaryTick) / seconds;
        double meanMillis = intervalTicks == 0 ? 0 : intervalTickNanos / 1e6 / intervalTicks;
        WorldSummary next = new WorldSummary(w.tick(), String.format("%016x", w.hash()), w.population(),
                w.nextEntityId(), w.lastCommandSeq(), rate, meanMillis, intervalMaxTickNanos / 1e6, areas,
                sample(w, geometry), status.commands(), clock.instant().toEpochMilli());
        summaryTick = w.tick();
        summaryNanos = now;
        intervalTicks = 0;
        intervalTickNanos = 0;
        intervalMaxTickNanos = 0;
        summary = next;
        progress = new WorldProgress(next.tick(), Long.parseUnsignedLong(next.hash(), 16), next.population());
        synchronized (timeline) {
            timeline.addLast(new WorldSummary.Point(next.epochMillis(), next.tick(), rate, meanMillis,
                    next.maxTickMillis()));
            while (timeline.size() > TIMELINE_POINTS) {
                timeline.removeFirst();
            }
        }
        for (Consumer<WorldSummary> listener : listeners) {
            listener.accept(next);
        }
    }

    /** A few entities of every area, with their position; none without physics. */
    private List<WorldSummary.EntityDot> sample(World w, WorldGeometry geometry) {
        if (!settings.config().componentSets().containsKey("physics")) {
            return List.of();
        }
        int[] all = new int[geometry.areaCount()];
        for (int area = 0; area < all.length; area++) {
            all[area] = area;
        }
        List<WorldSummary.EntityDot> dots = new ArrayList<>();
        for (EntityRecord entity : w.entities(all, Math.max(1, SAMPLE / all.length))) {
            var physics = entity.components().get("physics");
            dots.add(new WorldSummary.EntityDot(entity.id(), entity.area(), physics.get("x").floatValue(),
                    physics.get("y").floatValue()));
        }
        return dots;
    }

    /** Writes {@code view} on the backup thread after {@code previous}, so that one write runs at a time. */
    private CompletableFuture<Void> backUp(CompletableFuture<Void> previous, WorldView view) {
        if (!previous.isDone()) {
            LOG.warn("the world view of tick {} waits for the previous one to be written", view.tick());
            awaitUninterruptibly(previous);
        }
        if (deposed) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> save(view, false), backups);
    }

    /** A periodic view's refusal is reported to the VVM; the final view's is thrown, and stop rethrows it. */
    private void save(WorldView view, boolean isFinal) {
        long began = clock.nanoTime();
        try {
            store.save(view);
        } catch (RuntimeException e) {
            // Any store failure counts, not only the documented WorldViewException: a refusal that escaped its
            // wrapper must still depose this leader, and a periodic write's failure must not vanish in its future.
            WorldViewException failure = e instanceof WorldViewException known ? known
                    : new WorldViewException("the world view of tick " + view.tick() + " was not saved: " + e, e);
            String reason = WorldMeters.reason(e);
            meters.failed(reason);
            BackupState before = backupState;
            backupState = new BackupState(before.newest(), before.sinceTick(), before.sinceNanos(), Optional.of(
                    new BackupState.FailedSave(view.tick(), reason, failure.getMessage(), clock.nanoTime())),
                    before.recovery());
            if (Causes.find(e, LeadershipLostException.class).isPresent()) {
                // The term ended while the view was being written: the store gave it up, and the monitor reports
                // the loss; nothing more is written. etcd may still have taken it while it held this term's key.
                deposed = true;
                WorldView.Header saved = lastBackup;
                LOG.warn("leadership was lost while the world view of tick {} was being written: given up, its outcome "
                        + "unknown; the successor restores it if etcd took it before the term ended there, else the "
                        + "last saved one ({})", view.tick(), saved == null ? "none" : "tick " + saved.tick());
                return;
            }
            if (Causes.find(e, FencedWriteRejectedException.class).isPresent()) {
                deposed = true;
                LOG.error("this leader was deposed: the world view of tick {} was refused; no more world views are "
                        + "written", view.tick());
                if (!isFinal) {
                    context.reportFailure(failure);
                }
            } else {
                // A write etcd did not answer may still have been taken: either view may be the newest now.
                LOG.error("the world view of tick {} was not confirmed, so etcd holds it or the previous one: {}",
                        view.tick(), failure.getMessage());
            }
            if (isFinal) {
                throw failure;
            }
            return;
        }
        long took = clock.nanoTime() - began;
        lastBackup = view.header();
        meters.saved(view.bytes().length, took);
        backupState = new BackupState(Optional.of(new BackupState.SavedView(view.header(), view.bytes().length,
                Duration.ofNanos(took), false)), view.tick(), clock.nanoTime(), Optional.empty(),
                backupState.recovery());
        LOG.info("{}saved {} ({} bytes) to {} in {} ms", isFinal ? "final backup: " : "", view.header(),
                view.bytes().length, store.description(), took / 1_000_000);
        if (!isFinal) {
            // Not after the final view, which is on the path of a handover: the successor trims after its first view.
            trimJournal(view.tick());
        }
    }

    /**
     * After a view of {@code savedTick}: the store keeps it and the one before, so the journal is trimmed behind the
     * older one, and a fall back to it still finds every command after it.
     */
    private void trimJournal(long savedTick) {
        long older = newestViewTick;
        newestViewTick = savedTick;
        try {
            intake.trimThrough(older);
        } catch (RuntimeException e) {
            LOG.warn("the command journal was not trimmed through tick {}; the next view tries again: {}", older,
                    e.getMessage());
        }
    }

    private void logProgress() {
        logProgress(new WorldProgress(world.tick(), world.hash(), world.population()));
    }

    private void logProgress(WorldProgress now) {
        progress = now;
        LOG.info("world tick {}, hash {}, {} entities; tick time: {}", now.tick(), now.hexHash(), now.population(),
                tickTimes.stats());
    }

    private static WorldProgress progressOf(WorldView.Header view) {
        return new WorldProgress(view.tick(), view.worldHash(), view.population());
    }

    private static void awaitUninterruptibly(CompletableFuture<Void> future) {
        boolean interrupted = false;
        while (true) {
            try {
                future.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                // The write reported its own failure.
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() throws InterruptedException {
        if (!started.get()) {
            throw new IllegalStateException("the world simulation service was not started");
        }
        if (!stopRequested.compareAndSet(false, true)) {
            return;
        }
        running = false;
        if (intake != null) {
            intake.close();
        }
        stopping = true;
        wakeups.release();
        loop.join();
        // The loop waited, within its bound, for every write it wanted; a write still running was given up.
        backups.shutdownNow();
        backups.awaitTermination(settings.storeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        Thread backupWorker = backupThread;
        if (backupWorker != null) {
            backupWorker.join(settings.storeTimeout().toMillis());
        }
        LOG.info("world simulation stopped at tick {}; tick time: {}", tick, tickTimes.stats());
        RuntimeException failure = finalFailure;
        if (failure != null) {
            throw new WorldViewException("the final world view was not saved: " + failure.getMessage(), failure);
        }
    }

    @Override
    public long tick() {
        return tick;
    }

    @Override
    public Optional<WorldView.Header> lastBackup() {
        return Optional.ofNullable(lastBackup);
    }

    @Override
    public TickStats tickStats() {
        return tickTimes.stats();
    }

    @Override
    public Optional<WorldProgress> progress() {
        return Optional.ofNullable(progress);
    }

    @Override
    public Optional<BackupState> backups() {
        return Optional.ofNullable(backupState);
    }

    @Override
    public WorldGateway gateway() {
        return this;
    }

    @Override
    public CommandCatalog catalog() {
        return catalog;
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public boolean exists(long id) {
        World current = world;
        return running && current != null && (current.exists(id) || intake.spawning(id));
    }

    @Override
    public boolean knows(String key) {
        return running && intake.knows(key);
    }

    @Override
    public CompletableFuture<CommandReceipt> submit(List<WorldCommand> commands, String idempotencyKey) {
        if (!running) {
            return CompletableFuture.failedFuture(unavailable("no world runs on this replica"));
        }
        return intake.submit(commands, idempotencyKey);
    }

    @Override
    public <T> CompletableFuture<T> read(Function<World, T> query) {
        if (!running) {
            return CompletableFuture.failedFuture(unavailable("no world runs on this replica"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        queries.add(new Query<>(query, intake.highestAcknowledged(), result));
        wakeups.release();
        if (!running) {
            // The loop may have drained the queue before this query came in.
            result.completeExceptionally(unavailable("the world simulation stopped"));
        }
        return result;
    }

    @Override
    public Optional<WorldSummary> summary() {
        return Optional.ofNullable(summary);
    }

    @Override
    public List<WorldSummary.Point> timeline() {
        synchronized (timeline) {
            return List.copyOf(timeline);
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<WorldSummary> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private static CommandRefusedException unavailable(String why) {
        return new CommandRefusedException(CommandRefusedException.Reason.UNAVAILABLE, why);
    }

    /** Nanoseconds since the newest view was saved or restored (or the world started); NaN with no world. */
    double backupAgeNanos() {
        BackupState state = backupState;
        return state == null ? Double.NaN : clock.nanoTime() - state.sinceNanos();
    }

    double backupAgeTicks() {
        BackupState state = backupState;
        return state == null ? Double.NaN : tick - state.sinceTick();
    }
}
