package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.etcd.ElectionStatus;

/** The SWITCHOVER round's choices: which rounds name their successor, and whom. */
class PlannedSwitchoverTest {

    @Test
    void switchoverRoundsNameTheirSuccessorEveryOtherTime() {
        List<FaultKind> plan = List.of(FaultKind.SWITCHOVER, FaultKind.SIGTERM, FaultKind.SWITCHOVER,
                FaultKind.SIGKILL, FaultKind.SWITCHOVER, FaultKind.SWITCHOVER);
        List<Boolean> named = new ArrayList<>();
        for (int number = 1; number <= plan.size(); number++) {
            if (plan.get(number - 1) == FaultKind.SWITCHOVER) {
                named.add(PlannedSwitchover.named(plan, number));
            }
        }

        assertThat(named).containsExactly(true, false, true, false);
    }

    @Test
    void aNamedSwitchoverGoesToTheStandbyLastInLine() {
        ElectionStatus election = new ElectionStatus("e", Optional.of(entry("a", 2)),
                List.of(entry("b", 5), entry("c", 9)));

        assertThat(PlannedSwitchover.target(election)).map(ElectionStatus.Entry::id).contains("c");
        assertThat(PlannedSwitchover.target(new ElectionStatus("e", Optional.of(entry("a", 2)), List.of())))
                .isEmpty();
    }

    private static ElectionStatus.Entry entry(String id, long revision) {
        return new ElectionStatus.Entry("e/" + revision, id, "host", 1, Optional.empty(), Optional.empty(), revision,
                OptionalLong.of(1));
    }
}
