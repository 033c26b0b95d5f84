package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.vvm.ProblemKind;
import org.vvmhost.vvm.VvmProblem;

class ExitCodeTest {

    @Test
    void noProblemIsAGracefulExit() {
        assertThat(ExitCode.of(Optional.empty())).isEqualTo(ExitCode.GRACEFUL);
        assertThat(ExitCode.GRACEFUL.code()).isZero();
    }

    @Test
    void eachProblemKindHasItsOwnCode() {
        assertThat(exitCodeOf(ProblemKind.ACQUISITION_FAILED, new LeadershipException("timed out")))
                .isEqualTo(ExitCode.STARTUP_FAILED);
        assertThat(exitCodeOf(ProblemKind.LEADERSHIP_LOST, new LeadershipLostException("lease expired")))
                .isEqualTo(ExitCode.LEADERSHIP_LOST);
        assertThat(exitCodeOf(ProblemKind.SERVICE_FAILED, new IllegalStateException("boom")))
                .isEqualTo(ExitCode.SERVICE_FAILED);
    }

    @Test
    void aRefusedAccessAnywhereInTheCausesIsAnAccessError() {
        LeadershipAccessException refused = new LeadershipAccessException("permission denied", null);
        assertThat(exitCodeOf(ProblemKind.ACQUISITION_FAILED, refused)).isEqualTo(ExitCode.ACCESS_DENIED);
        assertThat(exitCodeOf(ProblemKind.LEADERSHIP_LOST, new LeadershipLostException("keepalive failed", refused)))
                .isEqualTo(ExitCode.ACCESS_DENIED);
    }

    @Test
    void codesMatchTheDocumentedTableAndAreDistinct() {
        assertThat(Arrays.stream(ExitCode.values()).mapToInt(ExitCode::code))
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(ExitCode.usageHelpTable()).hasSize(ExitCode.values().length).containsEntry("2",
                ExitCode.USAGE.description());
    }

    private static ExitCode exitCodeOf(ProblemKind kind, Throwable cause) {
        return ExitCode.of(Optional.of(new VvmProblem(kind, "problem", cause)));
    }
}
