package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The switchover's decision table and its request, case by case. */
class SwitchoverPlanTest {

    private static final StatusCommand.CandidateView A = candidate("a", "http://node-1:8081");
    private static final StatusCommand.CandidateView B = candidate("b", "http://node-2:8081");
    private static final StatusCommand.CandidateView C = candidate("c", "http://node-3:8081");

    @Test
    void aPlainSwitchoverHandsOverToTheNextInLineWithoutAnIntent() {
        assertThat(SwitchoverPlan.choose("a", election(A, B, C), Optional.empty()))
                .isEqualTo(new SwitchoverPlan.HandOver("b", "http://node-2:8081", false));
    }

    @Test
    void aNamedSwitchoverHandsOverToThatStandbyWithAnIntent() {
        assertThat(SwitchoverPlan.choose("a", election(A, B, C), Optional.of("c")))
                .isEqualTo(new SwitchoverPlan.HandOver("c", "http://node-3:8081", true));
    }

    @Test
    void whatCannotBeDoneIsRefusedWithTheReason() {
        assertThat(refusal(SwitchoverPlan.choose("a", election(A, B), Optional.of("x"))))
                .isEqualTo("409 no candidate 'x' in the election 'vvmhost'; the standbys are [b]; nothing changed");
        assertThat(refusal(SwitchoverPlan.choose("a", election(A, B), Optional.of("a"))))
                .isEqualTo("409 a leads already; name a standby: [b]");
        assertThat(refusal(SwitchoverPlan.choose("a", election(A), Optional.empty())))
                .isEqualTo("409 no standby: no other candidate is in the election 'vvmhost' to hand over to; "
                        + "nothing changed");
        assertThat(refusal(SwitchoverPlan.choose("a", election(A), Optional.of("b")))).startsWith("409 no standby");
        assertThat(refusal(SwitchoverPlan.choose("a", election(B, A), Optional.empty())))
                .isEqualTo("409 etcd shows b leading, not this replica (a); nothing changed");
        assertThat(refusal(SwitchoverPlan.choose("a", new ElectionReader.ElectionView("vvmhost", List.of(), null,
                List.of(), "cannot read the election from etcd: no answer"), Optional.empty())))
                .isEqualTo("503 cannot read the election from etcd: no answer; nothing changed");
    }

    @Test
    void onlyAStandbyThatSaysItIsReadyTakesOver() {
        SwitchoverPlan.HandOver toB = new SwitchoverPlan.HandOver("b", "http://node-2:8081", true);
        assertThat(SwitchoverPlan.unready(toB, new SwitchoverPlan.Readiness(200, "standby campaigning"))).isEmpty();
        assertThat(SwitchoverPlan.unready(toB, new SwitchoverPlan.Readiness(503, "standby campaigning, world view "
                + "not preloaded yet")).map(r -> r.status() + " " + r.reason()))
                .contains("409 b is not ready to take over: its /standby answered 503: standby campaigning, world view "
                        + "not preloaded yet; nothing changed");
        assertThat(SwitchoverPlan.unready(toB, new SwitchoverPlan.Readiness(-1, "java.net.ConnectException")))
                .map(SwitchoverPlan.Refused::reason).hasValueSatisfying(reason -> assertThat(reason)
                        .contains("did not answer at http://node-2:8081 (java.net.ConnectException)"));
        assertThat(SwitchoverPlan.unready(new SwitchoverPlan.HandOver("b", "", false),
                new SwitchoverPlan.Readiness(200, "")).map(SwitchoverPlan.Refused::reason))
                .contains("b advertises no HTTP API, so its readiness cannot be checked; nothing changed");
    }

    @Test
    void theRequestNamesAStandbyAndATimeoutOrNeither() throws Exception {
        assertThat(Switchover.Request.parse(MissingNode.getInstance()))
                .isEqualTo(new Switchover.Request(Optional.empty(), Duration.ofSeconds(10)));
        assertThat(Switchover.Request.parse(json("{\"to\": \"b\", \"timeout\": \"30s\"}")))
                .isEqualTo(new Switchover.Request(Optional.of("b"), Duration.ofSeconds(30)));
        assertThatThrownBy(() -> Switchover.Request.parse(json("[\"b\"]"))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> Switchover.Request.parse(json("{\"candidate\": \"b\"}")))
                .hasMessage("unknown field(s) [candidate]; the fields are 'to' and 'timeout'");
        assertThatThrownBy(() -> Switchover.Request.parse(json("{\"to\": 7}"))).hasMessageContaining("'to' is");
        assertThatThrownBy(() -> Switchover.Request.parse(json("{\"timeout\": \"soon\"}")))
                .hasMessageContaining("'timeout': 'soon' is not a duration");
        assertThatThrownBy(() -> Switchover.Request.parse(json("{\"timeout\": \"1s\"}")))
                .hasMessageContaining("at least 2s");
    }

    private static String refusal(SwitchoverPlan plan) {
        assertThat(plan).isInstanceOf(SwitchoverPlan.Refused.class);
        SwitchoverPlan.Refused refused = (SwitchoverPlan.Refused) plan;
        return refused.status() + " " + refused.reason();
    }

    private static ElectionReader.ElectionView election(StatusCommand.CandidateView leader,
                                                        StatusCommand.CandidateView... waiting) {
        return new ElectionReader.ElectionView("vvmhost", List.of("http://127.0.0.1:2379"), leader, List.of(waiting),
                null);
    }

    private static StatusCommand.CandidateView candidate(String id, String url) {
        return new StatusCommand.CandidateView(id, "node", 1L, null, null, null, null, 1L, "vvmhost/" + id, url);
    }

    private static JsonNode json(String text) throws Exception {
        return HttpApi.JSON.readTree(text);
    }
}
