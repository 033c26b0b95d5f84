package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.services.world.WorldConfig;

class DrillSettingsTest {

    private static final DrillTarget LOCAL = new DrillTarget.Local(Path.of("etcd"), List.of("java"));

    @Test
    void roundsTakeTheKindsInTurn() {
        DrillSettings settings = settings(List.of(FaultKind.SIGTERM, FaultKind.SIGKILL, FaultKind.PARTITION), 5,
                OptionalLong.empty());

        assertThat(settings.plan()).containsExactly(FaultKind.SIGTERM, FaultKind.SIGKILL, FaultKind.PARTITION,
                FaultKind.SIGTERM, FaultKind.SIGKILL);
    }

    @Test
    void aSeedShufflesTheSameRoundsTheSameWay() {
        List<FaultKind> kinds = List.of(FaultKind.values());
        DrillSettings shuffled = settings(kinds, 20, OptionalLong.of(7));

        assertThat(shuffled.plan()).isEqualTo(settings(kinds, 20, OptionalLong.of(7)).plan())
                .containsExactlyInAnyOrderElementsOf(settings(kinds, 20, OptionalLong.empty()).plan())
                .isNotEqualTo(settings(kinds, 20, OptionalLong.empty()).plan());
    }

    @Test
    void aDrillNeedsAStandbyAndAPacedWorld() {
        assertThatThrownBy(() -> new DrillSettings(LOCAL, List.of(FaultKind.SIGTERM), 1, OptionalLong.empty(), 1, 1,
                LeaseSettings.ofTtl(Duration.ofSeconds(2)), Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(60), List.of(), world(20, 10), true, 0, "e", Optional.empty()))
                .hasMessageContaining("replicas must be at least 2");
        assertThatThrownBy(() -> new DrillSettings(LOCAL, List.of(FaultKind.SIGTERM), 1, OptionalLong.empty(), 1, 2,
                LeaseSettings.ofTtl(Duration.ofSeconds(2)), Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(60), List.of(), WorldConfig.parse("", Map.of("world.tick-rate", "max")), true, 0,
                "e", Optional.empty()))
                .hasMessageContaining("a paced world");
    }

    @Test
    void theBackupPeriodIsTheIntervalAtTheTickRate() {
        assertThat(settings(List.of(FaultKind.SIGTERM), 1, OptionalLong.empty()).backupPeriod())
                .isEqualTo(Duration.ofMillis(500));
    }

    private static DrillSettings settings(List<FaultKind> kinds, int rounds, OptionalLong shuffle) {
        return new DrillSettings(LOCAL, kinds, rounds, shuffle, 1, 3, LeaseSettings.ofTtl(Duration.ofSeconds(2)),
                Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(60), List.of(), world(20, 10), true, 0,
                "drill", Optional.empty());
    }

    /** The built-in world at {@code tickRate} Hz, with a view every {@code backupInterval} ticks. */
    static WorldConfig world(double tickRate, int backupInterval) {
        return WorldConfig.parse("", Map.of("world.tick-rate", Double.toString(tickRate), "world.backup-interval",
                Integer.toString(backupInterval)));
    }
}
