package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fencing epoch's decision table, case by case and over every small input. */
class FencingEpochTest {

    @ParameterizedTest(name = "stored {0}, highest {1}, stale up to {2} -> epoch {3}, bump {4}, new incarnation {5}")
    @CsvSource(nullValues = "none", value = {
        // A fresh etcd, for a replica that knows nothing and for one that remembers epoch 4.
        "none, 0, 0, 1, true, true",
        "none, 4, 0, 5, true, true",
        // After a break the replica saw: the old epoch is stale, even where etcd was wiped and rewritten with it.
        "none, 4, 4, 5, true, true",
        "4, 4, 4, 5, true, false",
        "3, 4, 4, 5, true, true",
        // Restored from an older snapshot: etcd holds less than was seen.
        "3, 4, 0, 5, true, true",
        // Steady state: keep etcd's epoch, also one above what the replica knew (another leader bumped it).
        "4, 4, 0, 4, false, false",
        "5, 4, 4, 5, false, false",
        "7, 0, 0, 7, false, false",
    })
    void decides(Long stored, long highest, long staleUpTo, long epoch, boolean bump, boolean newIncarnation) {
        FencingEpoch.Decision decision = FencingEpoch.decide(
                stored == null ? OptionalLong.empty() : OptionalLong.of(stored), highest, staleUpTo);

        assertThat(decision.epoch()).isEqualTo(epoch);
        assertThat(decision.bump()).isEqualTo(bump);
        assertThat(decision.newIncarnation()).isEqualTo(newIncarnation);
        assertThat(decision.reason().isEmpty()).isEqualTo(!bump);
    }

    /**
     * Over every small input the replica could meet: the epoch never goes below what etcd holds or what was seen,
     * always passes a stale one, and is written exactly when it differs from etcd's.
     */
    @Test
    void neverRepeatsAnEpochThatWasSeenOrMadeStale() {
        for (long highest = 0; highest <= 6; highest++) {
            for (long stale = 0; stale <= highest; stale++) {
                for (long stored = 0; stored <= 8; stored++) {
                    OptionalLong held = stored == 0 ? OptionalLong.empty() : OptionalLong.of(stored);
                    FencingEpoch.Decision decision = FencingEpoch.decide(held, highest, stale);
                    String input = "stored " + held + ", highest " + highest + ", stale up to " + stale;

                    assertThat(decision.epoch()).as(input).isGreaterThanOrEqualTo(Math.max(stored, highest))
                            .isGreaterThan(stale).isPositive();
                    assertThat(decision.bump()).as(input).isEqualTo(held.isEmpty()
                            || held.getAsLong() != decision.epoch());
                    if (decision.bump()) {
                        assertThat(decision.epoch()).as(input).isGreaterThan(Math.max(stored, highest));
                    }
                }
            }
        }
    }

    @Test
    void readsOnlyADecimalOfAtLeastOne() {
        assertThat(FencingEpoch.parse(Optional.of(FencingEpoch.bytes(12)))).hasValue(12);
        assertThat(FencingEpoch.parse(Optional.of(" 3\n".getBytes(StandardCharsets.US_ASCII)))).hasValue(3);
        assertThat(FencingEpoch.parse(Optional.empty())).isEmpty();
        assertThat(FencingEpoch.parse(Optional.of("0".getBytes(StandardCharsets.US_ASCII)))).isEmpty();
        assertThat(FencingEpoch.parse(Optional.of("garbage".getBytes(StandardCharsets.US_ASCII)))).isEmpty();
    }
}
