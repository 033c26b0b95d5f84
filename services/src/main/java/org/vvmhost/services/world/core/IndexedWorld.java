package org.vvmhost.services.world.core;

import java.util.List;
import java.util.Optional;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldStatus;

/**
 * What every tick coordinator keeps the same way, whoever runs its simulators: the tick, the next entity id, the last
 * command applied and the counts of commands, and the index of the area each entity is in. A subclass runs the steps
 * of a tick between {@link #route} and {@link #advance}, and reads the rows of its areas.
 */
public abstract class IndexedWorld implements World {

    /** The world's counters at its tick: replaced together when a tick is done and when the world restarts. */
    private record Counters(long tick, long nextEntityId, long lastCommandSeq) {
        static Counters of(WorldState state) {
            return new Counters(state.tick(), state.nextEntityId(), state.lastCommandSeq());
        }
    }

    protected final WorldCore core;
    protected final OpenLatch open = new OpenLatch();
    private final EntityIndex index;
    /** Merges run on the coordinator's thread, one at a time. */
    private final BoundaryPlan.Scratch mergeScratch = new BoundaryPlan.Scratch();
    private Counters counters;
    private WorldStatus.CommandCounts commands = WorldStatus.CommandCounts.NONE;

    protected IndexedWorld(WorldCore core, WorldState state) {
        this.core = core;
        this.index = EntityIndex.of(state.partitions()[0]);
        this.counters = Counters.of(state);
    }

    /** The commands of tick {@code next}, routed to the areas of their entities (spawns and despawns followed). */
    protected final RoutedCommands route(CommandSource source, long next) {
        return index.route(core, source.commandsOf(next));
    }

    /** The boundary plan of the simulators' {@code events}, its newborn numbered from the next entity id. */
    protected final BoundaryPlan merge(List<TickEvents> events) {
        return core.merge(events, counters.nextEntityId(), mergeScratch);
    }

    /** Tick {@code next} is done: its {@code plan} and {@code routed} commands are the world's from now on. */
    protected final long advance(long next, BoundaryPlan plan, RoutedCommands routed) {
        long nextEntityId = counters.nextEntityId();
        if (!plan.isEmpty()) {
            index.apply(plan);
            nextEntityId += plan.bornIds().length;
        }
        commands = commands.plus(routed.applied(), routed.ignored());
        counters = new Counters(next, nextEntityId, Math.max(counters.lastCommandSeq(), routed.lastSeq()));
        return next;
    }

    /** The world is at {@code state} from now on (a load, or a rewind). */
    protected final void restart(WorldState state) {
        counters = Counters.of(state);
        index.reset(state.partitions()[0]);
    }

    /** The state of the world at its tick, made of {@code partitions}. */
    protected final WorldState state(Partition[][] partitions) {
        return new WorldState(partitions, counters.tick(), counters.nextEntityId(), counters.lastCommandSeq());
    }

    protected final WorldStatus.CommandCounts commandCounts() {
        return commands;
    }

    /** Reads the entities of {@code ids} in {@code areas}, or with {@code ids} null up to {@code limit} per area. */
    protected abstract List<EntityRecord> read(int[] areas, long[] ids, int limit);

    @Override
    public final long tick() {
        return counters.tick();
    }

    @Override
    public final long nextEntityId() {
        return counters.nextEntityId();
    }

    @Override
    public final long lastCommandSeq() {
        return counters.lastCommandSeq();
    }

    @Override
    public final boolean exists(long id) {
        return index.areaOf(id) >= 0;
    }

    @Override
    public final Optional<EntityRecord> entity(long id) {
        return index.find(id, this::read);
    }

    @Override
    public final List<EntityRecord> entities(int[] areas, int limitPerArea) {
        return read(areas, null, limitPerArea);
    }
}
