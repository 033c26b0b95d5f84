package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * A short failover drill, through the same code as {@link FailoverDrill}: two replicas against a real etcd, one
 * SIGTERM round and one SIGKILL round. It asserts the promises, not the times: one leader at a time, nothing lost on
 * SIGTERM, at most a backup interval (plus the write in flight) lost on SIGKILL, no write of a deposed leader in
 * etcd's history, fencing tokens that strictly increase, and a world identical to an uninterrupted run.
 */
class FailoverDrillIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final int BACKUP_INTERVAL = 20;

    @Test
    void aSigtermAndASigkillRoundKeepEveryPromise() throws Exception {
        Drill.Settings settings = new Drill.Settings("drill-it-" + ProcessHandle.current().pid(), 2, 2,
                List.of(Drill.Kind.SIGTERM, Drill.Kind.SIGKILL), Duration.ofSeconds(2), 5_000, 20, BACKUP_INTERVAL,
                Duration.ofSeconds(2), TIMING.startBudget(), true, 7);

        DrillReport report = Drill.run(ImageCommand.fromBuild(), ETCD.endpoint(), settings, System.out);
        System.out.print(report.table());
        System.out.print(report.summary());

        assertThat(report.rounds()).extracting(Drill.Round::kind)
                .containsExactly(Drill.Kind.SIGTERM, Drill.Kind.SIGKILL);
        Drill.Round sigterm = report.rounds().get(0);
        Drill.Round sigkill = report.rounds().get(1);
        assertThat(report.leaderOverlaps()).as("one leader at a time").isEmpty();
        assertThat(sigterm.restoredTick()).as("the successor restored the final backup").isPositive();
        assertThat(sigterm.lost()).as("ticks lost on SIGTERM").isZero();
        assertThat(sigterm.oldExitCode()).isZero();
        assertThat(sigkill.restoredTick()).as("the newest view the killed leader saved is kept")
                .isGreaterThanOrEqualTo(sigkill.lastSaved());
        assertThat(sigkill.lost()).as("ticks lost on SIGKILL, the write in flight included")
                .isBetween(0L, sigkill.bound());
        assertThat(sigkill.bound()).isLessThanOrEqualTo(2L * BACKUP_INTERVAL);
        EtcdHistory.Audit audit = report.audit();
        assertThat(audit.manifestWrites()).as("manifest switches in etcd's history").isNotEmpty();
        assertThat(audit.deposedWrites()).as("writes of deposed leaders in etcd's history").isEmpty();
        assertThat(audit.tokensIncrease()).isTrue();
        assertThat(audit.tenures()).extracting(EtcdHistory.Tenure::token)
                .containsExactly(sigterm.oldToken(), sigterm.newToken(), sigkill.newToken());
        assertThat(sigterm.newToken().orElseThrow()).isGreaterThan(sigterm.oldToken().orElseThrow())
                .isEqualTo(sigkill.oldToken().orElseThrow());
        assertThat(sigkill.newToken().orElseThrow()).isGreaterThan(sigkill.oldToken().orElseThrow());
        assertThat(report.continuity().compared()).as("ticks compared with the reference run").isPositive();
        assertThat(report.failures()).isEmpty();
    }
}
