package org.vvmhost.services.world.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldGeometry;

/**
 * The merge gives the plan its rules define, whatever the order of the simulators' events and whatever the ids:
 * deaths by id, once each; moves by id, the dead left out, the first set in canonical order winning where two sets
 * move one entity; one newborn per death. The reference below states the rules with sorted maps.
 */
class BoundaryPlanTest {

    private static final WorldGeometry GEOMETRY = new WorldGeometry(100, 100, 4, 4);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void theMergeFollowsItsRulesWhateverTheOrderOfTheEventsAndTheIds(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // One scratch across ticks, as a world keeps it, with ticks of very different sizes.
        BoundaryPlan.Scratch scratch = new BoundaryPlan.Scratch();
        for (int tick = 0; tick < 8; tick++) {
            int entities = random.nextInt(2) == 0 ? 40 : 3000;
            // Ids of the newborn range and of the spawned range, far apart, so the sort meets every byte.
            long[] ids = new long[entities];
            for (int i = 0; i < entities; i++) {
                ids[i] = random.nextInt(4) == 0 ? WorldCommand.SPAWNED_IDS + random.nextLong(1L << 40)
                        : random.nextLong(1L << 20);
            }
            List<TickEvents> events = new ArrayList<>();
            for (int set = 0; set < 3; set++) {
                for (int part = 0; part < 2; part++) {
                    events.add(eventsOf(set, ids, random));
                }
            }
            Collections.shuffle(events, new Random(random.nextLong()));

            BoundaryPlan plan = BoundaryPlan.merge(events, GEOMETRY, seed, 500, scratch);

            assertSamePlan(plan, reference(events));
            assertThat(plan.bornIds()).hasSameSizeAs(plan.deadIds());
            for (int i = 0; i < plan.bornIds().length; i++) {
                assertThat(plan.bornIds()[i]).isEqualTo(500 + i);
                assertThat(plan.bornAreas()[i]).isEqualTo(GEOMETRY.areaOf(plan.bornX()[i], plan.bornY()[i]));
            }
        }
    }

    /** Events of one simulator of {@code set}: some of the ids move, fewer die; an entity's area is fixed by id. */
    private static TickEvents eventsOf(int set, long[] ids, SplittableRandom random) {
        List<long[]> moved = new ArrayList<>();
        List<long[]> dead = new ArrayList<>();
        for (long id : ids) {
            int from = (int) Math.floorMod(id, 16);
            if (random.nextInt(6) == 0) {
                moved.add(new long[] {id, from, random.nextInt(16)});
            }
            if (random.nextInt(20) == 0) {
                dead.add(new long[] {id, from});
            }
        }
        return new TickEvents(set, moved.stream().mapToLong(m -> m[0]).toArray(),
                moved.stream().mapToInt(m -> (int) m[1]).toArray(), moved.stream().mapToInt(m -> (int) m[2]).toArray(),
                dead.stream().mapToLong(d -> d[0]).toArray(), dead.stream().mapToInt(d -> (int) d[1]).toArray());
    }

    private record Expected(Map<Long, Integer> deaths, Map<Long, int[]> moves) {
    }

    private static Expected reference(List<TickEvents> events) {
        Map<Long, Integer> deaths = new TreeMap<>();
        for (TickEvents e : events) {
            for (int i = 0; i < e.deadIds().length; i++) {
                deaths.put(e.deadIds()[i], e.deadAreas()[i]);
            }
        }
        // A move with its set; the lowest set wins.
        Map<Long, int[]> moves = new TreeMap<>();
        for (TickEvents e : events) {
            for (int i = 0; i < e.movedIds().length; i++) {
                long id = e.movedIds()[i];
                int[] move = {e.setIndex(), e.movedFrom()[i], e.movedTo()[i]};
                if (!deaths.containsKey(id) && (!moves.containsKey(id) || moves.get(id)[0] > move[0])) {
                    moves.put(id, move);
                }
            }
        }
        return new Expected(deaths, moves);
    }

    private static void assertSamePlan(BoundaryPlan plan, Expected expected) {
        assertThat(plan.deadIds()).containsExactly(expected.deaths().keySet().stream().mapToLong(Long::longValue)
                .toArray());
        assertThat(plan.deadAreas()).containsExactly(expected.deaths().values().stream().mapToInt(Integer::intValue)
                .toArray());
        assertThat(plan.moveIds()).containsExactly(expected.moves().keySet().stream().mapToLong(Long::longValue)
                .toArray());
        assertThat(plan.moveFrom()).containsExactly(expected.moves().values().stream().mapToInt(m -> m[1]).toArray());
        assertThat(plan.moveTo()).containsExactly(expected.moves().values().stream().mapToInt(m -> m[2]).toArray());
    }
}
