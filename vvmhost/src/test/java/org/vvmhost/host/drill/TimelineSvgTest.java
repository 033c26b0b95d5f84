package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeaseSettings;

/** The timeline's geometry: pure, from a drill's lanes and rounds. */
class TimelineSvgTest {

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:00Z");

    @Test
    void oneRowPerLaneWithTheLeadingSpanLabelledByItsToken() {
        TimelineSvg.View view = render(run(120), 1000);

        assertThat(view.lanes()).extracting(TimelineSvg.Row::name).containsExactly("r1", "r2");
        TimelineSvg.Box leading = view.lanes().get(0).spans().stream()
                .filter(box -> box.css().equals("span leading")).findFirst().orElseThrow();
        assertThat(leading.label()).isEqualTo("1:2");
        assertThat(leading.x()).isEqualTo(view.left());
        assertThat(leading.x() + leading.width()).isLessThan(view.width());
        assertThat(view.etcd().name()).isEqualTo("etcd");
    }

    @Test
    void eachFailoverGapIsAnnotatedInMillisecondsAndAnOverlapStandsOut() {
        TimelineSvg.Gap gap = render(run(120), 1000).gaps().get(0);
        assertThat(gap.label()).isEqualTo("gap 120 ms");
        assertThat(gap.css()).isEqualTo("gap");
        assertThat(gap.x2()).isGreaterThan(gap.x1());

        TimelineSvg.Gap overlap = render(run(-50), 1000).gaps().get(0);
        assertThat(overlap.label()).isEqualTo("OVERLAP 50 ms");
        assertThat(overlap.css()).isEqualTo("gap overlap");
    }

    @Test
    void aRoundIsABandNamedByItsNumberAndKindWithItsDataLostUpClose() {
        TimelineSvg.View close = TimelineSvg.render("round-1", "r", run(120), run(120).lanes(), T0.plusSeconds(9),
                T0.plusSeconds(13), 600, true);

        assertThat(close.bands()).extracting(TimelineSvg.Box::label).containsExactly("#1 SIGKILL · lost 4 ticks");
        assertThat(render(run(120), 1000).bands()).extracting(TimelineSvg.Box::label).containsExactly("#1 SIGKILL");
    }

    @Test
    void labelsThatWouldOverlapAreDroppedButTheMarksStay() {
        Lane lane = new Lane("r1", T0, T0.plusSeconds(20), List.of(), List.of(
                new Lane.Mark(Lane.MarkKind.SIGNAL, T0.plusSeconds(5), "SIGSTOP"),
                new Lane.Mark(Lane.MarkKind.SIGNAL, T0.plusMillis(5010), "SIGCONT"),
                new Lane.Mark(Lane.MarkKind.SIGNAL, T0.plusSeconds(15), "SIGTERM")), List.of());
        DrillRun run = run(120);
        TimelineSvg.View view = TimelineSvg.render("overview", "c", run, List.of(lane), T0, T0.plusSeconds(20), 1000,
                false);

        assertThat(view.lanes().get(0).marks()).extracting(TimelineSvg.Mark::label)
                .containsExactly("SIGSTOP", "", "SIGTERM");
    }

    private static TimelineSvg.View render(DrillRun run, double width) {
        return TimelineSvg.render("overview", "c", run, run.lanes(), run.start(), run.end(), width, false);
    }

    /** r1 leads until a SIGKILL at 10 s, r2 takes over: its 'leadership acquired' comes {@code gapMillis} later. */
    private static DrillRun run(double gapMillis) {
        Instant fault = T0.plusSeconds(10);
        Instant acquired = fault.plusMillis((long) gapMillis);
        Lane r1 = new Lane("r1", T0, fault, List.of(new Lane.Span(Lane.State.LEADING, T0, fault, "1:2")),
                List.of(new Lane.Mark(Lane.MarkKind.SIGNAL, fault, "SIGKILL")), List.of());
        Lane r2 = new Lane("r2", T0, T0.plusSeconds(20), List.of(
                new Lane.Span(Lane.State.STANDBY, T0, acquired, ""),
                new Lane.Span(Lane.State.LEADING, acquired, T0.plusSeconds(20), "1:9")), List.of(), List.of());
        Round round = new Round(1, FaultKind.SIGKILL, "", "r1", new FencingToken(1, 2), Optional.of("r2"),
                Optional.of(new FencingToken(1, 9)), fault, fault, OptionalDouble.of(gapMillis),
                OptionalDouble.of(gapMillis + 300), OptionalDouble.of(gapMillis), 44, true, 40, 40, true, 4, 26, 40,
                0, 0, Optional.of(137), OptionalDouble.empty(), 0, OptionalDouble.empty(), List.of());
        DrillSettings settings = new DrillSettings(new DrillTarget.Local(Path.of("etcd"), List.of("java")),
                List.of(FaultKind.SIGKILL), 1, OptionalLong.empty(), 1, 2, LeaseSettings.ofTtl(Duration.ofSeconds(2)),
                Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(60), List.of(),
                DrillSettingsTest.world(20, 10), true, 0, "drill", Optional.empty());
        EtcdHistory.Audit audit = new EtcdHistory.Audit(10, List.of(), List.of(), 0, 0, List.of(), true, List.of(),
                List.of());
        return new DrillRun(settings, T0, T0.plusSeconds(20), List.of(round), audit, List.of(), true,
                DrillRun.Continuity.none(), List.of(r1, r2), List.of(), Optional.empty(), Optional.empty(), List.of());
    }
}
