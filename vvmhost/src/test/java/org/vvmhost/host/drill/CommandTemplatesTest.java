package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.etcd.ElectionStatus;

class CommandTemplatesTest {

    @Test
    void fillsInTheLeadersValuesQuotedForTheShell() {
        ElectionStatus.Entry leader = new ElectionStatus.Entry("e/1", "pod-7", "vvmhost-5d9f'; rm -rf /", 42,
                Optional.empty(), Optional.empty(), 3, OptionalLong.of(1));

        assertThat(CommandTemplates.expand("kubectl delete pod {host} # {id} {pid}", leader))
                .isEqualTo("kubectl delete pod 'vvmhost-5d9f'\\''; rm -rf /' # 'pod-7' '42'");
    }
}
