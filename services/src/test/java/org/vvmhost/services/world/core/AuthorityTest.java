package org.vvmhost.services.world.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.PhysicsSet;
import org.vvmhost.services.world.WorldGeometry;

class AuthorityTest {

    private static final WorldGeometry GEOMETRY = new WorldGeometry(100, 100, 1, 2);

    @Test
    void aWriteWithASupersededGrantIsRejectedCountedAndChangesNothing() {
        AuthorityTable authority = new AuthorityTable();
        ComponentSet physics = new PhysicsSet();
        Simulator first = new Simulator("physics-0", physics, 0, authority);
        Partition partition = new Partition(physics, 0, 4);
        int row = partition.add(1);
        partition.floats(PhysicsSet.X)[row] = 10;
        partition.floats(PhysicsSet.VX)[row] = 1;
        first.assume(authority.issue("physics", 0, first.id()), partition);

        first.simulate(1, 0, GEOMETRY);
        assertThat(partition.floats(PhysicsSet.X)[row]).isEqualTo(11f);
        assertThat(authority.rejectedWrites()).isZero();

        // The issuer moves the area on, but the first simulator never heard of it (a partitioned old active).
        AuthorityGrant next = authority.issue("physics", 0, "physics-1");
        first.simulate(2, 0, GEOMETRY);

        assertThat(partition.floats(PhysicsSet.X)[row]).isEqualTo(11f);
        assertThat(authority.rejectedWrites()).isEqualTo(1);
        assertThat(first.areas()).isEmpty();
        assertThat(authority.holder("physics", 0)).contains(next);
        assertThat(next.epoch()).isGreaterThan(1);
    }

    @Test
    void aSimulatorCannotTakeUpAGrantIssuedToAnother() {
        AuthorityTable authority = new AuthorityTable();
        ComponentSet physics = new PhysicsSet();
        Simulator simulator = new Simulator("physics-0", physics, 0, authority);
        AuthorityGrant foreign = authority.issue("physics", 0, "physics-1");

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> simulator.assume(foreign, new Partition(physics, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
