package org.vvmhost.services.world.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.PhysicsSet;
import org.vvmhost.services.world.TagSet;

class PartitionTest {

    private final ComponentSet physics = new PhysicsSet();

    @Test
    void removeSwapsTheLastRowIntoTheHole() {
        Partition partition = new Partition(physics, 0, 2);
        for (long id = 10; id < 15; id++) {
            int row = partition.add(id);
            partition.floats(PhysicsSet.X)[row] = id;
        }

        partition.remove(11);

        assertThat(partition.size()).isEqualTo(4);
        assertThat(partition.rowOf(11)).isEqualTo(-1);
        assertThat(partition.rowOf(14)).isEqualTo(1);
        assertThat(partition.floats(PhysicsSet.X)[1]).isEqualTo(14f);
        assertThat(partition.ids()[1]).isEqualTo(14);
        partition.remove(14);
        partition.remove(13);
        assertThat(partition.size()).isEqualTo(2);
        assertThat(partition.rowOf(10)).isZero();
        assertThat(partition.rowOf(12)).isEqualTo(1);
    }

    @Test
    void growsPastItsInitialCapacityAndKeepsValues() {
        Partition partition = new Partition(physics, 3, 0);
        for (long id = 0; id < 1000; id++) {
            int row = partition.add(id);
            partition.floats(PhysicsSet.VY)[row] = -id;
        }

        assertThat(partition.size()).isEqualTo(1000);
        assertThat(partition.floats(PhysicsSet.VY)[partition.rowOf(777)]).isEqualTo(-777f);
    }

    @Test
    void anEntityIsHeldOnce() {
        Partition partition = new Partition(physics, 0, 4);
        partition.add(5);

        assertThatThrownBy(() -> partition.add(5)).hasMessageContaining("entity 5 is already in physics area 0");
        assertThatThrownBy(() -> partition.remove(6)).hasMessageContaining("entity 6 is not in physics area 0");
    }

    @Test
    void moveOutAndInCarriesEveryColumn() {
        Partition from = new Partition(physics, 0, 4);
        Partition to = new Partition(physics, 1, 4);
        int row = from.add(42);
        from.floats(PhysicsSet.X)[row] = 1.5f;
        from.floats(PhysicsSet.Y)[row] = 2.5f;
        from.floats(PhysicsSet.VX)[row] = -0.5f;
        from.floats(PhysicsSet.VY)[row] = 0.25f;
        Rows rows = new Rows(physics.schema(), 1);

        from.moveOut(42, rows);
        to.moveIn(rows.toTransfer(0, 1), 0);

        assertThat(from.size()).isZero();
        int moved = to.rowOf(42);
        assertThat(new float[] {to.floats(0)[moved], to.floats(1)[moved], to.floats(2)[moved], to.floats(3)[moved]})
                .containsExactly(1.5f, 2.5f, -0.5f, 0.25f);
    }

    @Test
    void anAreaSnapshotRestoresTheSameRows() {
        ComponentSet tags = new TagSet();
        Partition partition = new Partition(tags, 2, 4);
        for (long id = 100; id < 110; id++) {
            int row = partition.add(id);
            tags.spawn(new ComponentSet.Spawn(1, id, 0, 0, null), partition, row);
            partition.ints(1)[row] = (int) (id * 3);
        }
        partition.remove(104);

        AreaSnapshot snapshot = partition.snapshot(17, 3);
        Partition restored = Partition.restore(tags, snapshot);

        assertThat(snapshot.set()).isEqualTo("tag");
        assertThat(snapshot.area()).isEqualTo(2);
        assertThat(snapshot.tick()).isEqualTo(17);
        assertThat(snapshot.epoch()).isEqualTo(3);
        assertThat(restored.size()).isEqualTo(9);
        for (int row = 0; row < restored.size(); row++) {
            long id = restored.ids()[row];
            assertThat(id).isEqualTo(partition.ids()[row]);
            assertThat(restored.rowOf(id)).isEqualTo(row);
            assertThat(restored.ints(0)[row]).isEqualTo(TagSet.tagOf(id));
            assertThat(restored.ints(1)[row]).isEqualTo((int) (id * 3));
        }
    }
}
