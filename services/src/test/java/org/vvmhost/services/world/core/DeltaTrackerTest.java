package org.vvmhost.services.world.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.PhysicsSet;
import org.vvmhost.services.world.TagSet;

/**
 * A passive that applies an active's deltas tick after tick holds exactly the active's partition: the same rows in
 * the same order, the same values, whatever mix of births, deaths, moves and changed values the ticks bring.
 */
class DeltaTrackerTest {

    private static final int SET_INDEX = 1;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aPassiveFollowingDeltasStaysRowForRowEqualToItsActive(long seed) {
        for (ComponentSet set : new ComponentSet[] {new PhysicsSet(), new TagSet()}) {
            SplittableRandom random = new SplittableRandom(seed);
            Partition active = new Partition(set, 5, 4);
            long nextId = 0;
            for (; nextId < 200; nextId++) {
                fill(active, active.add(nextId), random);
            }
            Partition passive = active.copyRows();
            DeltaTracker tracker = DeltaTracker.start(active, 0);
            boolean sawDense = false;
            boolean sawSparse = false;
            for (long tick = 1; tick <= 60; tick++) {
                // Some ticks change nearly every row (as movement does), others a few.
                int changes = random.nextInt(3) == 0 ? active.size() : random.nextInt(8);
                for (int k = 0; k < changes && active.size() > 0; k++) {
                    fill(active, random.nextInt(active.size()), random);
                }
                for (int k = random.nextInt(6); k > 0 && active.size() > 0; k--) {
                    active.remove(active.ids()[random.nextInt(active.size())]);
                }
                for (int k = random.nextInt(6); k > 0; k--) {
                    fill(active, active.add(nextId++), random);
                }
                AreaDelta delta = tracker.next(tick, 3, SET_INDEX, tick % 5 == 0);
                passive.apply(delta);

                assertThat(delta.baseTick()).isEqualTo(tick - 1);
                assertThat(passive.size()).isEqualTo(active.size());
                assertThat(Arrays.copyOf(passive.ids(), passive.size()))
                        .containsExactly(Arrays.copyOf(active.ids(), active.size()));
                assertSameValues(set, passive, active);
                if (delta.checked()) {
                    assertThat(passive.contentHash(SET_INDEX)).isEqualTo(delta.checksum());
                }
                for (AreaDelta.FloatChanges column : delta.floats()) {
                    sawDense |= column.rows() == null;
                    sawSparse |= column.rows() != null;
                }
                for (AreaDelta.IntChanges column : delta.ints()) {
                    sawDense |= column.rows() == null;
                    sawSparse |= column.rows() != null;
                }
            }
            tracker.stop();
            passive.reindex();
            for (int row = 0; row < active.size(); row++) {
                assertThat(passive.rowOf(active.ids()[row])).isEqualTo(row);
            }
            assertThat(sawDense).as("some columns went dense").isTrue();
            assertThat(sawSparse).as("some columns went sparse").isTrue();
        }
    }

    @Test
    void aDeltaCarriesOnlyTheRowsThatChanged() {
        PhysicsSet physics = new PhysicsSet();
        Partition active = new Partition(physics, 0, 16);
        for (long id = 0; id < 100; id++) {
            active.add(id);
        }
        DeltaTracker tracker = DeltaTracker.start(active, 7);
        active.floats(PhysicsSet.VX)[42] = 1.5f;
        active.remove(3);
        active.remove(99);

        AreaDelta delta = tracker.next(8, 1, 0, false);

        // Entity 99 was swapped into row 3, then removed from there.
        assertThat(delta.ops()).containsExactly(~3L, ~3L);
        assertThat(delta.size()).isEqualTo(98);
        assertThat(delta.floats()[PhysicsSet.VX].rows()).containsExactly(42);
        assertThat(delta.floats()[PhysicsSet.VX].values()).containsExactly(1.5f);
        // Row 3 now holds entity 98, moved there by the swap-remove: the passive's remove does the same.
        assertThat(delta.floats()[PhysicsSet.X].rows()).isEmpty();
        assertThat(delta.checked()).isFalse();
    }

    @Test
    void aDeltaThatDoesNotFitTheCopyIsRefused() {
        PhysicsSet physics = new PhysicsSet();
        Partition active = new Partition(physics, 0, 16);
        for (long id = 0; id < 10; id++) {
            active.add(id);
        }
        DeltaTracker tracker = DeltaTracker.start(active, 0);
        active.add(10);
        tracker.next(1, 1, 0, false);
        active.add(11);
        AreaDelta second = tracker.next(2, 1, 0, false);
        Partition missedOne = new Partition(physics, 0, 16);
        for (long id = 0; id < 10; id++) {
            missedOne.add(id);
        }
        missedOne.dropIndex();

        assertThatThrownBy(() -> missedOne.apply(second)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 11 entities after the delta of tick 2, its active 12");
    }

    @Test
    void aPassiveCopyTakesOnlyTheDeltaOfItsTickAndChecksItWhereAsked() {
        PhysicsSet physics = new PhysicsSet();
        Partition active = new Partition(physics, 2, 16);
        for (long id = 0; id < 50; id++) {
            int row = active.add(id);
            active.floats(PhysicsSet.X)[row] = id;
        }
        PassiveCopy copy = PassiveCopy.of(physics, active.snapshot(4, 1));
        DeltaTracker tracker = DeltaTracker.start(active, 4);
        active.floats(PhysicsSet.Y)[7] = 3f;
        AreaDelta fifth = tracker.next(5, 1, 0, true);
        AreaSnapshot atFifth = active.snapshot(5, 1);
        active.remove(20);
        AreaDelta sixth = tracker.next(6, 1, 0, true);

        assertThat(copy.apply(sixth, 0)).as("a delta from a tick the copy does not hold").isFalse();
        assertThat(copy.apply(fifth, 0)).isTrue();
        assertThat(copy.apply(fifth, 0)).as("the same delta twice").isFalse();
        AreaDelta wrongSum = new AreaDelta(sixth.set(), sixth.area(), sixth.baseTick(), sixth.tick(), sixth.epoch(),
                sixth.ops(), sixth.size(), sixth.floats(), sixth.ints(), true, sixth.checksum() + 1);
        assertThat(copy.apply(wrongSum, 0)).as("a checksum that differs").isFalse();

        AreaDelta.FloatChanges none = new AreaDelta.FloatChanges(new int[0], new float[0]);
        AreaDelta outOfRange = new AreaDelta("physics", 2, 5, 6, 1, new long[0], 50, new AreaDelta.FloatChanges[] {
            none, new AreaDelta.FloatChanges(new int[] {50}, new float[] {1f}), none, none}, new AreaDelta.IntChanges[0],
                false, 0);
        AreaDelta shortColumn = new AreaDelta("physics", 2, 5, 6, 1, new long[0], 50, new AreaDelta.FloatChanges[] {
            none, new AreaDelta.FloatChanges(null, new float[49]), none, none}, new AreaDelta.IntChanges[0], false, 0);
        assertThat(PassiveCopy.of(physics, atFifth).apply(outOfRange, 0)).as("a row past the end").isFalse();
        assertThat(PassiveCopy.of(physics, atFifth).apply(shortColumn, 0)).as("a dense column too short").isFalse();

        PassiveCopy fresh = PassiveCopy.of(physics, atFifth);
        assertThat(fresh.apply(sixth, 0)).isTrue();
        assertThat(fresh.tick()).isEqualTo(6);
        Partition promoted = fresh.promote();
        assertThat(promoted.contentHash(0)).isEqualTo(active.contentHash(0));
        assertThat(promoted.rowOf(49)).isEqualTo(active.rowOf(49)).isEqualTo(20);
        assertThat(promoted.rowOf(20)).isEqualTo(-1);
    }

    private static void fill(Partition partition, int row, SplittableRandom random) {
        for (int c = 0; c < partition.set().schema().floatColumns().size(); c++) {
            partition.floats(c)[row] = (float) random.nextDouble(-100, 100);
        }
        for (int c = 0; c < partition.set().schema().intColumns().size(); c++) {
            partition.ints(c)[row] = random.nextInt();
        }
    }

    private static void assertSameValues(ComponentSet set, Partition passive, Partition active) {
        int size = active.size();
        for (int c = 0; c < set.schema().floatColumns().size(); c++) {
            assertThat(Arrays.copyOf(passive.floats(c), size)).containsExactly(Arrays.copyOf(active.floats(c), size));
        }
        for (int c = 0; c < set.schema().intColumns().size(); c++) {
            assertThat(Arrays.copyOf(passive.ints(c), size)).containsExactly(Arrays.copyOf(active.ints(c), size));
        }
    }
}
