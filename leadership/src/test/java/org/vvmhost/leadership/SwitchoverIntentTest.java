package org.vvmhost.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The switchover intent's decision table, case by case, and its stored form. */
class SwitchoverIntentTest {

    private static final SwitchoverIntent TO_C = new SwitchoverIntent("c", "a", new FencingToken(1, 7),
            Instant.parse("2030-01-02T03:04:05Z"), Duration.ofSeconds(10));

    @Test
    void theFirstInLineLeadsClearsOrGivesWay() {
        List<String> line = List.of("b", "c");
        assertThat(SwitchoverIntent.verdict(Optional.empty(), "b", line)).isEqualTo(SwitchoverIntent.Verdict.LEAD);
        assertThat(SwitchoverIntent.verdict(Optional.of(TO_C), "b", line))
                .as("another candidate is named and in the election").isEqualTo(SwitchoverIntent.Verdict.GIVE_WAY);
        assertThat(SwitchoverIntent.verdict(Optional.of(TO_C), "c", line))
                .as("the one named").isEqualTo(SwitchoverIntent.Verdict.CLEAR_AND_LEAD);
        assertThat(SwitchoverIntent.verdict(Optional.of(TO_C), "b", List.of("b")))
                .as("the one named left: void").isEqualTo(SwitchoverIntent.Verdict.CLEAR_AND_LEAD);
    }

    @Test
    void itReadsWhatItWroteAndNothingElse() {
        assertThat(SwitchoverIntent.parse(TO_C.toJson())).contains(TO_C);
        assertThat(new String(TO_C.toJson(), StandardCharsets.UTF_8)).contains("\"successor\":\"c\"",
                "\"fencingToken\":\"1:7\"", "\"validForMillis\":10000");
        assertThat(SwitchoverIntent.parse("c".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(SwitchoverIntent.parse("{\"successor\":\"c\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(TO_C.toString()).isEqualTo("switchover to c (named by a, term 1:7, for 10s from "
                + "2030-01-02T03:04:05Z)");
    }

    @Test
    void itNamesAnotherCandidateForAtLeastEtcdsShortestLease() {
        Instant now = Instant.EPOCH;
        FencingToken token = new FencingToken(1, 7);
        assertThatThrownBy(() -> new SwitchoverIntent("a", "a", token, now, Duration.ofSeconds(10)))
                .hasMessageContaining("candidate a leads already");
        assertThatThrownBy(() -> new SwitchoverIntent(" ", "a", token, now, Duration.ofSeconds(10)))
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> new SwitchoverIntent("c", "a", token, now, Duration.ofMillis(1999)))
                .hasMessageContaining("at least 2s");
    }
}
