package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.cluster.RemoteSimulators.Placed;

/** Where a simulator's session goes ({@link RemoteSimulators#ranked(String, List, Map, Set)}), as a pure function. */
class PlacementRankingTest {

    private static SimulatorRegistration server(String address, int capacity, String... sets) {
        return new SimulatorRegistration("sim-" + address, address, List.of(sets), capacity, "host", 1);
    }

    private static List<String> ranked(List<SimulatorRegistration> registered, Map<String, Placed> placed,
                                       String... draining) {
        return RemoteSimulators.ranked("physics", registered, placed, Set.of(draining));
    }

    @Test
    void theFewestSessionsOfTheSetFirstThenTheFewestInAll() {
        List<SimulatorRegistration> registered = List.of(server("a:1", 8, "physics", "vitality"),
                server("b:1", 8, "physics", "vitality"), server("c:1", 8, "physics", "vitality"));

        assertThat(ranked(registered, Map.of("a:1", new Placed(1, 1, 0), "b:1", new Placed(0, 2, 0),
                "c:1", new Placed(0, 1, 0)))).containsExactly("c:1", "b:1", "a:1");
        assertThat(ranked(registered, Map.of())).as("nothing placed: as registered")
                .containsExactly("a:1", "b:1", "c:1");
    }

    @Test
    void aServerNotRegisteredForTheSetIsLeftOut() {
        List<SimulatorRegistration> registered = List.of(server("a:1", 8, "vitality"), server("b:1", 8, "physics"));

        assertThat(ranked(registered, Map.of("b:1", new Placed(5, 5, 5)))).containsExactly("b:1");
        assertThat(ranked(List.of(server("a:1", 8, "vitality")), Map.of())).isEmpty();
    }

    @Test
    void aFullServerRanksAfterThoseWithRoomAndADrainingOneLast() {
        List<SimulatorRegistration> registered = List.of(server("full:1", 4, "physics"),
                server("draining:1", 8, "physics"), server("room:1", 4, "physics"));
        Map<String, Placed> placed = Map.of("full:1", new Placed(0, 1, 4), "room:1", new Placed(3, 3, 3));

        assertThat(ranked(registered, placed, "draining:1")).as("areas at capacity outweigh fewer sessions; "
                + "draining outweighs room").containsExactly("room:1", "full:1", "draining:1");
        assertThat(ranked(registered, Map.of("full:1", new Placed(0, 1, 3), "room:1", new Placed(3, 3, 3)),
                "draining:1")).as("one area below capacity has room").containsExactly("full:1", "room:1",
                "draining:1");
    }

    @Test
    void severalRegistrationsAtOneAddressCountOnceWithWhatAnyOfThemOffers() {
        List<SimulatorRegistration> registered = List.of(server("a:1", 1, "vitality"), server("b:1", 2, "physics"),
                server("a:1", 4, "physics"));
        Map<String, Placed> placed = Map.of("a:1", new Placed(0, 2, 2), "b:1", new Placed(0, 2, 2));

        assertThat(ranked(registered, placed)).as("a:1 has room up to the larger capacity; b:1 is full")
                .containsExactly("a:1", "b:1");
    }
}
