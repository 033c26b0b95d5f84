package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vvmhost.services.world.cluster.AssignmentTable.Action;
import org.vvmhost.services.world.cluster.AssignmentTable.Event;

/**
 * Random histories of joins, graceful leaves, crashes and scaling, with actions that may fail, run the way the
 * coordinator runs them: after each, the table settles, and a loss rewinds (a reset). Whatever happened, every area
 * has exactly one active simulator of its set while its set has one to give it to, passives are never the active,
 * and epochs only grow.
 */
class AssignmentTablePropertyTest {

    private static final List<String> SETS = List.of("physics", "vitality");
    private static final int AREAS = 6;

    enum Kind { JOIN, LEAVE, CRASH, SCALE_UP, SCALE_DOWN, SIZES }

    record Op(Kind kind, int set, int pick) {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 1000)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void everyAreaHasOneActivePassivesAreOthersAndEpochsGrow(@ForAll("histories") List<Op> history,
            @ForAll int passivesPerArea, @ForAll long seed) {
        Driver driver = new Driver(Math.floorMod(passivesPerArea, 3), new Random(seed));
        driver.start();
        for (Op op : history) {
            driver.run(op);
            driver.check();
        }
    }

    /** The coordinator's loop, with simulators that fail now and then. */
    private static final class Driver {
        private final Random random;
        private AssignmentTable table;
        private final List<List<String>> live = List.of(new ArrayList<>(), new ArrayList<>());
        private final long[][] lastEpoch = new long[SETS.size()][AREAS];
        private final String[][] lastActive = new String[SETS.size()][AREAS];
        private long epochs;
        private int names;

        Driver(int passivesPerArea, Random random) {
            this.random = random;
            this.table = new AssignmentTable(SETS, AREAS, passivesPerArea);
        }

        void start() {
            for (int s = 0; s < SETS.size(); s++) {
                join(s);
            }
            apply(new AssignmentTable.Reset(sizes()));
            settle();
        }

        void run(Op op) {
            int s = op.set();
            switch (op.kind()) {
                case JOIN -> join(s);
                case SCALE_UP -> {
                    join(s);
                    join(s);
                }
                case LEAVE -> leave(s, op.pick());
                case SCALE_DOWN -> {
                    leave(s, op.pick());
                    leave(s, op.pick() + 1);
                }
                case CRASH -> {
                    if (!live.get(s).isEmpty()) {
                        apply(new AssignmentTable.Down(live.get(s).remove(op.pick() % live.get(s).size()), "Killed"));
                    }
                }
                case SIZES -> apply(new AssignmentTable.Sizes(new int[] {op.pick() % AREAS},
                        new int[] {op.pick()}));
            }
            settle();
        }

        /** As the coordinator prepares a tick: settle, rewind on a loss, settle again while areas wait. */
        private void settle() {
            if (table.settled()) {
                // The coordinator skips a settle the table calls needless: it must have nothing to do.
                assertThat(table.next(new AssignmentTable.Settle()).actions()).isEmpty();
            }
            apply(new AssignmentTable.Settle());
            if (!table.lost().isEmpty()) {
                apply(new AssignmentTable.Reset(sizes()));
            }
            for (int retry = 0; retry < 50 && waiting(); retry++) {
                apply(new AssignmentTable.Settle());
            }
        }

        /** Whether an area waits for a simulator although its set has one (an action failed). */
        private boolean waiting() {
            for (int s = 0; s < SETS.size(); s++) {
                for (int area = 0; area < AREAS; area++) {
                    if (!live.get(s).isEmpty() && table.active(s, area) == null) {
                        return true;
                    }
                }
            }
            return false;
        }

        private void join(int s) {
            String name = SETS.get(s) + "-" + names++;
            live.get(s).add(name);
            apply(new AssignmentTable.Up(name, s));
        }

        private void leave(int s, int pick) {
            if (live.get(s).isEmpty()) {
                return;
            }
            String name = live.get(s).remove(pick % live.get(s).size());
            apply(new AssignmentTable.Stopping(name, false));
            List<Integer> held = new ArrayList<>();
            for (int area = 0; area < AREAS; area++) {
                if (name.equals(table.active(s, area))) {
                    held.add(area);
                }
            }
            apply(new AssignmentTable.Leaving(name, held.stream().mapToInt(Integer::intValue).toArray()));
            apply(new AssignmentTable.Down(name, "Stopped"));
        }

        private long[] sizes() {
            long[] sizes = new long[AREAS];
            for (int area = 0; area < AREAS; area++) {
                sizes[area] = table.entities(area) > 0 ? table.entities(area) : 10 + area;
            }
            return sizes;
        }

        /** The table, then the outcome of each action, as the hand-over part reports them. */
        private void apply(Event first) {
            table = table.run(first, this::outcome);
            assertThat(table.lastEpoch()).isGreaterThanOrEqualTo(epochs);
            epochs = table.lastEpoch();
        }

        private boolean fails() {
            return random.nextInt(8) == 0;
        }

        private void outcome(Action action, AssignmentTable before, Deque<Event> events) {
            assertThat(before.lastEpoch()).as("epochs only grow").isGreaterThanOrEqualTo(epochs);
            if (action instanceof AssignmentTable.Place place) {
                for (int i = 0; i < place.candidates().size(); i++) {
                    if (!fails()) {
                        events.add(new AssignmentTable.Placed(place.set(), place.area(), place.candidates().get(i),
                                place.epochs()[i], place.kinds().get(i)));
                        return;
                    }
                }
                events.add(place.parkIfUnplaced() ? new AssignmentTable.Parked(place.set(), place.area())
                        : new AssignmentTable.Unplaced(place.set(), place.area(), "no passive took it"));
            } else if (action instanceof AssignmentTable.Move move && fails()) {
                events.add(random.nextBoolean() ? new AssignmentTable.Parked(move.set(), move.area())
                        : new AssignmentTable.Kept(move.set(), move.area(), move.from(),
                                move.fromEpoch()));
            } else if (action instanceof AssignmentTable.AddPassive add && fails()) {
                events.add(new AssignmentTable.PassiveFailed(add.set(), add.area(), add.passive()));
            }
        }

        void check() {
            Set<Long> current = new HashSet<>();
            for (int s = 0; s < SETS.size(); s++) {
                for (int area = 0; area < AREAS; area++) {
                    String active = table.active(s, area);
                    if (!live.get(s).isEmpty()) {
                        assertThat(active).as("%s area %d has an active", SETS.get(s), area)
                                .isIn(live.get(s));
                    }
                    List<String> passives = table.passives(s, area);
                    assertThat(passives).doesNotContainNull().doesNotHaveDuplicates();
                    if (active != null) {
                        assertThat(passives).doesNotContain(active);
                        assertThat(live.get(s)).containsAll(passives);
                        long epoch = table.epoch(s, area);
                        assertThat(epoch).isPositive().isLessThanOrEqualTo(table.lastEpoch());
                        assertThat(current.add(epoch)).as("epoch %d is one grant's", epoch).isTrue();
                        if (!active.equals(lastActive[s][area])) {
                            assertThat(epoch).as("a new holder gets a newer epoch").isGreaterThan(lastEpoch[s][area]);
                        }
                        lastActive[s][area] = active;
                        lastEpoch[s][area] = epoch;
                    }
                }
            }
        }
    }
}
