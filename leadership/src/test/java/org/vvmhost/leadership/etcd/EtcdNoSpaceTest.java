package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipUnavailableException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.testing.EtcdConfig;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/**
 * etcd full on purpose (its NOSPACE alarm raised by writes from outside): the leader keeps leading while its lease
 * lives (keepalives need no space), its writes fail with one clear report, a standby says once why it cannot take
 * part, and once an operator reclaims the space both carry on.
 */
class EtcdNoSpaceTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension(EtcdConfig.defaults().withQuota(4L << 20));

    private static final TestTiming TIMING = TestTiming.current();

    @Test
    void aFullEtcdIsReportedOnceWithWhatToDoAndTheLeaderHoldsItsTerm() {
        String election = EtcdTestSupport.establishedElection(ETCD, "nospace");
        EtcdSettings settings = EtcdTestSupport.settings(ETCD.endpoint(), election);
        try (SystemClock clock = SystemClock.create("etcd-nospace-clock");
                Leadership leader = EtcdLeaderships.connect(settings, candidate("a"), clock);
                Leadership standby = EtcdLeaderships.connect(settings, candidate("b"), clock);
                LogCapture space = new LogCapture(SpaceAlarm.class);
                LogCapture campaigns = new LogCapture(EtcdCampaign.class)) {
            Term term = await(leader.campaign().elected());
            fillEtcd();

            for (int i = 0; i < 3; i++) {
                assertThat(term.write(List.of(WriteOp.put("world/view", new byte[1024]))))
                        .failsWithin(TIMING.eventBudget()).withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(LeadershipUnavailableException.class)
                        .withMessageContaining("etcd is out of space");
            }
            Campaign waiting = standby.campaign();
            Duration renewDeadline = settings.lease().renewDeadline();
            Awaitility.await("the leader holds its term, the standby retries").during(renewDeadline.multipliedBy(2))
                    .atMost(renewDeadline.multipliedBy(3)).until(() -> !term.lost().isDone());

            assertThat(term.status()).isEqualTo(Term.Status.LEADING);
            assertThat(waiting.elected()).isNotDone();
            List<String> reports = space.at(Level.ERROR).stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(reports).as("once for the leader's writes, once for the standby's campaign").hasSize(2)
                    .allSatisfy(report -> assertThat(report).startsWith("etcd is out of space (")
                            .contains("mvcc: database space exceeded", "the leader keeps leading while its lease lives",
                                    "'etcdctl defrag --cluster'", "'etcdctl alarm disarm'", "--quota-backend-bytes"));
            assertThat(reports.get(1)).contains("the campaign for b was refused");
            assertThat(campaigns.at(Level.WARN)).as("no line per retry").isEmpty();
            assertThat(space.at(Level.ERROR)).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());

            // What filled it goes (a delete needs no space), then what an operator does about the alarm.
            assertThat(ETCD.deletePrefix("filler/")).isPositive();
            ETCD.reclaimSpace();

            await(term.write(List.of(WriteOp.put("world/view", new byte[1024]))));
            Awaitility.await("the standby enters the election").atMost(TIMING.eventBudget())
                    .until(() -> EtcdTestSupport.keyOf(ETCD, election, "b").isPresent());
            assertThat(space.at(Level.INFO)).extracting(ILoggingEvent::getFormattedMessage).hasSize(2)
                    .allSatisfy(line -> assertThat(line).startsWith("etcd accepts writes again"));
            await(term.release());
            assertThat(await(waiting.elected()).status()).isEqualTo(Term.Status.LEADING);
        }
    }

    /** Writes 256 KiB values outside the election until etcd refuses one for lack of space. */
    private static void fillEtcd() {
        for (int i = 0; i < 64; i++) {
            try {
                ETCD.admin().getKVClient().put(EtcdExtension.bytes("filler/" + i),
                        io.etcd.jetcd.ByteSequence.from(new byte[256 << 10]))
                        .get(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (Exception e) {
                assertThat(e).hasMessageContaining("database space exceeded");
                assertThat(ETCD.alarms()).contains("NOSPACE");
                return;
            }
        }
        throw new AssertionError("etcd took 16 MiB within a quota of 4 MiB");
    }

    private static <T> T await(CompletableFuture<T> future) {
        return future.orTimeout(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
