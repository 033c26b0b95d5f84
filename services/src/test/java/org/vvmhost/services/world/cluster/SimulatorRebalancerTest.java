package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.cluster.SimulatorRebalancer.Move;
import org.vvmhost.services.world.cluster.SimulatorRebalancer.Spread;

/** The rebalancing policy, spread by spread, with no server in sight. */
class SimulatorRebalancerTest {

    private static Spread physics(Map<String, List<String>> servers) {
        return new Spread("physics", 3, servers, List.of());
    }

    private static Spread vitality(Map<String, List<String>> servers) {
        return new Spread("vitality", 3, servers, List.of());
    }

    @Test
    void aBalancedSpreadMovesNothing() {
        assertThat(SimulatorRebalancer.next(List.of(
                physics(Map.of("a", List.of("p1", "p2"), "b", List.of("p3"))),
                vitality(Map.of("a", List.of("v1"), "b", List.of("v2"), "c", List.of("v3")))), null)).isEmpty();
    }

    @Test
    void aNewServerGetsOneSimulatorFromTheMostLoadedAtATime() {
        List<Spread> joined = List.of(
                physics(Map.of("a", List.of("p2", "p1"), "b", List.of("p3"), "c", List.of())),
                vitality(Map.of("a", List.of("v1"), "b", List.of("v2", "v3"), "c", List.of())));

        assertThat(SimulatorRebalancer.next(joined, null)).contains(new Move("p1", "physics", "a", "c"));
        // While p1 still runs, and while its replacement starts, nothing else moves.
        assertThat(SimulatorRebalancer.next(joined, "p1")).isEmpty();
        List<Spread> replacing = List.of(
                physics(Map.of("a", List.of("p2"), "b", List.of("p3"), "c", List.of())),
                joined.get(1));
        assertThat(SimulatorRebalancer.next(replacing, "p1")).isEmpty();

        List<Spread> moved = List.of(
                physics(Map.of("a", List.of("p2"), "b", List.of("p3"), "c", List.of("p4"))),
                joined.get(1));
        assertThat(SimulatorRebalancer.next(moved, "p1")).contains(new Move("v2", "vitality", "b", "c"));
    }

    @Test
    void amongEquallyLoadedServersTheFirstByAddressGivesAndTakes() {
        Spread spread = new Spread("physics", 4, Map.of("b", List.of("p3", "p4"), "a", List.of("p1", "p2"),
                "d", List.of(), "c", List.of()), List.of());

        assertThat(SimulatorRebalancer.next(List.of(spread), null)).contains(new Move("p1", "physics", "a", "c"));
    }

    @Test
    void aServerThatCannotSimulateTheSetIsNoPlaceForIt() {
        // c is outside physics's spread: it cannot simulate physics, so a and b are as even as they can be.
        assertThat(SimulatorRebalancer.next(List.of(
                new Spread("physics", 3, Map.of("a", List.of("p1", "p2"), "b", List.of("p3")), List.of()),
                vitality(Map.of("a", List.of("v1"), "b", List.of("v2"), "c", List.of("v3")))), null)).isEmpty();
        // A single server has nothing to balance with.
        assertThat(SimulatorRebalancer.next(List.of(
                new Spread("physics", 3, Map.of("a", List.of("p1", "p2", "p3")), List.of())), null)).isEmpty();
    }

    @Test
    void nothingMovesWhileASetIsShortOrHasSimulatorsOnAServerOutsideItsSpread() {
        Map<String, List<String>> uneven = Map.of("a", List.of("p1", "p2"), "b", List.of(), "c", List.of());

        assertThat(SimulatorRebalancer.next(List.of(new Spread("physics", 3, uneven, List.of())), null))
                .as("a simulator is starting").isEmpty();
        assertThat(SimulatorRebalancer.next(List.of(new Spread("physics", 3, uneven, List.of("p3"))), null))
                .as("p3 is on a draining server").isEmpty();
        assertThat(SimulatorRebalancer.next(List.of(new Spread("physics", 2, uneven, List.of())), null))
                .as("once the set is whole").contains(new Move("p1", "physics", "a", "b"));
    }
}
