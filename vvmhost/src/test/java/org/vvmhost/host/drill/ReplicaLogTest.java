package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.FencingToken;

/** The replica's log as the drill reads it: lines as {@code vvmhost run} writes them, with their own timestamps. */
class ReplicaLogTest {

    private static final Instant ARRIVED = Instant.parse("2030-01-02T03:05:00Z");

    private static final List<String> TEXT = List.of(
            "2030-01-02 03:04:05,000 INFO  [main] org.vvmhost.host.RunCommand - vvmhost starting",
            "2030-01-02 03:04:05,500 INFO  [etcd-campaign-r1] o.v.l.etcd.EtcdCampaign - waiting for drill/1 to go "
                    + "(we are drill/2)",
            "2030-01-02 03:04:07,000 INFO  [vvm-launcher-r1] org.vvmhost.vvm.Launcher - leadership acquired: fencing "
                    + "token 1:7, leader key drill/2, on etcd [http://127.0.0.1:1] election drill",
            "2030-01-02 03:04:07,100 INFO  [p] o.v.s.w.s.PacedWorldSimulation - restoring the preloaded world view v1 "
                    + "of tick 40 (seed 42, hash 00000000000000aa, 2000 entities)",
            "2030-01-02 03:04:07,200 INFO  [p] o.v.s.w.s.PacedWorldSimulation - world simulation started at tick 40: "
                    + "2000 entities",
            "2030-01-02 03:04:07,210 INFO  [p] o.vvmhost.vvm.ServicePipeline - services started: [cluster, "
                    + "world-simulation] (fencing token 1:7)",
            "2030-01-02 03:04:07,700 INFO  [world-backup] o.v.s.w.s.PacedWorldSimulation - saved world view v1 of "
                    + "tick 50 (seed 42, hash 00000000000000bb, 2000 entities) (100 bytes) to leadership data "
                    + "'world/' in 35 ms",
            "2030-01-02 03:04:08,000 INFO  [world-tick] o.v.s.w.s.PacedWorldSimulation - world tick 56, hash "
                    + "00000000000000cc, 2000 entities; tick time: 16 ticks",
            "2030-01-02 03:04:09,000 WARN  [etcd-events-r1] o.v.leadership.etcd.EtcdTerm - leadership lost: no "
                    + "keepalive succeeded within the renew deadline of 1333ms",
            "2030-01-02 03:04:09,020 INFO  [p] o.v.s.w.s.PacedWorldSimulation - world simulation stopped at tick 75; "
                    + "tick time",
            "2030-01-02 03:04:09,030 INFO  [p] o.vvmhost.vvm.ServicePipeline - service world-simulation stopped",
            "2030-01-02 03:04:09,040 INFO  [p] o.vvmhost.vvm.ServicePipeline - service cluster stopped",
            "\tat a.stack.Trace(Trace.java:1)");

    @Test
    void readsTheTermFromTheLinesAndTheirOwnTimestamps() {
        ReplicaLog log = ReplicaLog.of(lines());

        assertThat(log.waiting()).contains(at("03:04:05.500"));
        assertThat(log.terms()).hasSize(1);
        ReplicaLog.TermLog term = log.terms().get(0);
        assertThat(term.token()).isEqualTo(new FencingToken(1, 7));
        assertThat(term.leaderKey()).isEqualTo("drill/2");
        assertThat(term.acquired()).isEqualTo(at("03:04:07.000"));
        assertThat(term.servicesStarted()).contains(at("03:04:07.210"));
        assertThat(term.servicesStopped()).as("the last service stopped").contains(at("03:04:09.040"));
        assertThat(term.lost()).contains(at("03:04:09.000"));
        assertThat(term.released()).isEmpty();
        assertThat(term.restored()).hasValueSatisfying(view -> assertThat(view.tick()).isEqualTo(40));
        assertThat(term.restoredPreloaded()).isTrue();
        assertThat(term.stoppedAtTick()).hasValue(75);
        assertThat(term.saves()).extracting(ReplicaLog.Save::tick, ReplicaLog.Save::millis)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(50L, 35L));
        assertThat(term.simulated()).extracting(ReplicaLog.TickHash::tick).containsExactlyInAnyOrder(56L, 50L);
        assertThat(log.lines().get(log.lines().size() - 1).at()).as("a line without a timestamp: when it came")
                .isEqualTo(ARRIVED);
    }

    @Test
    void estimatesTheTickAtAMomentFromTheLastProgressLine() {
        ReplicaLog.TermLog term = ReplicaLog.of(lines()).terms().get(0);

        assertThat(term.tickAt(at("03:04:08.500"), 20)).as("tick 56 at 08.000, 20 Hz").hasValue(66);
        assertThat(term.lastTick(at("03:04:07.800"))).hasValue(50);
        assertThat(term.lastTick(Instant.MAX)).hasValue(75);
    }

    @Test
    void eachAcquisitionStartsATerm() {
        List<ReplicaLog.Line> lines = new ArrayList<>(lines());
        lines.add(ReplicaLog.Line.of("2030-01-02 03:04:20,000 INFO  [l] org.vvmhost.vvm.Launcher - leadership "
                + "acquired: fencing token 1:30, leader key drill/9, on etcd", ARRIVED, ZoneOffset.UTC));

        assertThat(ReplicaLog.of(lines).terms()).extracting(ReplicaLog.TermLog::token)
                .containsExactly(new FencingToken(1, 7), new FencingToken(1, 30));
        assertThat(ReplicaLog.of(lines).lastTerm().orElseThrow().saves()).isEmpty();
    }

    @Test
    void aTermEndsWhereTheReplicaWaitsInTheElectionAgain() {
        List<ReplicaLog.Line> lines = new ArrayList<>(lines());
        for (String text : List.of(
                "2030-01-02 03:04:10,000 INFO  [c] o.v.l.etcd.EtcdCampaign - waiting for drill/9 to go (we are "
                        + "drill/12)",
                "2030-01-02 03:04:11,000 INFO  [p] o.vvmhost.vvm.ServicePipeline - service cluster stopped")) {
            lines.add(ReplicaLog.Line.of(text, ARRIVED, ZoneOffset.UTC));
        }
        ReplicaLog log = ReplicaLog.of(lines);

        assertThat(log.terms()).hasSize(1);
        assertThat(log.terms().get(0).servicesStopped()).as("the term's own services").contains(at("03:04:09.040"));
        assertThat(log.waitingSince(at("03:04:07.000"))).as("standing by after its term").isTrue();
    }

    @Test
    void aLeaderThatStoppedForAJournalWriteOfUnknownOutcomeSaysSo() {
        List<ReplicaLog.Line> lines = new ArrayList<>(lines());
        assertThat(ReplicaLog.of(lines).terms().get(0).journalOutcomeUnknown()).isFalse();
        lines.add(ReplicaLog.Line.of("2030-01-02 03:04:09,010 ERROR [world-journal] o.v.s.w.service.CommandIntake - a "
                + "command journal write for tick 76 has an unknown outcome (fenced write: etcd unavailable); "
                + "stopping, so that a successor replays what is durable", ARRIVED, ZoneOffset.UTC));

        assertThat(ReplicaLog.of(lines).terms().get(0).journalOutcomeUnknown()).isTrue();
    }

    @Test
    void aViewWhoseWriteWasNotConfirmedIsNamedByItsTick() {
        List<ReplicaLog.Line> lines = new ArrayList<>(lines());
        assertThat(ReplicaLog.of(lines).terms().get(0).unconfirmedSaves()).isEmpty();
        lines.add(ReplicaLog.Line.of("2030-01-02 03:04:09,010 WARN  [world-backup] o.v.s.w.s.PacedWorldSimulation - "
                + "leadership was lost while the world view of tick 1430 was being written: given up, its outcome "
                + "unknown; the successor restores it if etcd took it before the term ended there, else the last "
                + "saved one (tick 1420)", ARRIVED, ZoneOffset.UTC));

        lines.add(ReplicaLog.Line.of("2030-01-02 03:04:09,020 ERROR [world-backup] o.v.s.w.s.PacedWorldSimulation - "
                + "the world view of tick 1440 was not confirmed, so etcd holds it or the previous one: the world view "
                + "of tick 1440 was not saved: chunk 1 of 1 with the manifest switch failed: fenced write: etcd "
                + "unavailable", ARRIVED, ZoneOffset.UTC));

        ReplicaLog.TermLog term = ReplicaLog.of(lines).terms().get(0);
        assertThat(term.unconfirmedSaves()).containsExactlyInAnyOrder(1430L, 1440L);
        assertThat(term.failedSaves()).isEqualTo(1);
    }

    @Test
    void aTermIsOverForItsReplicaAtItsLossOrItsFirstRefusedWriteWhicheverCameFirst() {
        List<ReplicaLog.Line> lines = new ArrayList<>(lines());
        assertThat(ReplicaLog.of(lines).terms().get(0).deposed()).as("its 'leadership lost' line")
                .contains(at("03:04:09.000"));
        lines.add(8, ReplicaLog.Line.of("2030-01-02 03:04:08,500 ERROR [world-journal] o.v.s.w.service.CommandIntake "
                + "- this leader was deposed: its command journal write for tick 66 was refused", ARRIVED,
                ZoneOffset.UTC));

        assertThat(ReplicaLog.of(lines).terms().get(0).deposed()).as("the refusal, before the term noticed its loss")
                .contains(at("03:04:08.500"));
    }

    private static List<ReplicaLog.Line> lines() {
        return TEXT.stream().map(text -> ReplicaLog.Line.of(text, ARRIVED, ZoneOffset.UTC)).toList();
    }

    private static Instant at(String time) {
        return LocalDateTime.parse("2030-01-02T" + time).toInstant(ZoneOffset.UTC);
    }
}
