package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBalancingTest {

    private final RoutableEdges edges = new RoutableEdges();
    private final Map<String, Edge> byName = new HashMap<>();

    LoadBalancingTest() {
        for (String name : List.of("a", "b", "c", "d")) {
            Edge edge = new Edge(name);
            byName.put(name, edge);
            edges.putLast(edge);
        }
    }

    @Test
    void roundRobinIsFairAndCyclic() {
        Balancer roundRobin = Balancer.of(BalancerKind.ROUND_ROBIN, 0);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            picks.add(roundRobin.pick(edges).container());
        }

        assertThat(picks.subList(0, 8)).containsExactly("a", "b", "c", "d", "a", "b", "c", "d");
        assertThat(picks).filteredOn("a"::equals).hasSize(100);
        assertThat(picks).filteredOn("d"::equals).hasSize(100);
    }

    @Test
    void aServerThatComesBackRejoinsAtTheEnd() {
        Balancer roundRobin = Balancer.of(BalancerKind.ROUND_ROBIN, 0);
        assertThat(roundRobin.pick(edges).container()).isEqualTo("a");

        edges.remove("b");
        List<String> whileDown = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            whileDown.add(roundRobin.pick(edges).container());
        }
        edges.putLast(byName.get("b"));

        assertThat(whileDown).containsExactly("c", "d", "a", "c", "d", "a");
        assertThat(edges.order()).containsExactly("c", "d", "a", "b");
        assertThat(List.of(roundRobin.pick(edges).container(), roundRobin.pick(edges).container(),
                roundRobin.pick(edges).container(), roundRobin.pick(edges).container()))
                .containsExactly("c", "d", "a", "b");
    }

    @Test
    void leastConnectionsPicksTheFewestInFlight() {
        Balancer least = Balancer.of(BalancerKind.LEAST_CONNECTIONS, 0);
        inFlight("a", 3);
        inFlight("b", 1);
        inFlight("c", 2);
        inFlight("d", 5);

        assertThat(least.pick(edges).container()).isEqualTo("b");

        inFlight("b", 3);
        assertThat(least.pick(edges).container()).isEqualTo("c");
    }

    @Test
    void leastConnectionsLetsEqualsTakeTurns() {
        Balancer least = Balancer.of(BalancerKind.LEAST_CONNECTIONS, 0);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            picks.add(least.pick(edges).container());
        }

        assertThat(picks).containsExactly("a", "b", "c", "d", "a", "b", "c", "d");
    }

    @Test
    void randomReachesEveryEdgeAndNeverARemovedOne() {
        Balancer random = Balancer.of(BalancerKind.RANDOM, 5);
        edges.remove("c");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(random.pick(edges).container(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("a", "b", "d");
        assertThat(counts.values()).allMatch(n -> n > 800);
    }

    @Test
    void anEmptySetYieldsNoEdge() {
        for (String name : List.of("a", "b", "c", "d")) {
            edges.remove(name);
        }
        for (BalancerKind kind : BalancerKind.values()) {
            assertThat(Balancer.of(kind, 1).pick(edges)).isNull();
        }
    }

    @Test
    void removeAndPutKeepTheSlotsConsistent() {
        edges.remove("a");
        edges.remove("d");
        edges.putLast(byName.get("a"));
        edges.remove("b");
        edges.putLast(byName.get("d"));

        assertThat(edges.order()).containsExactly("c", "a", "d");
        assertThat(edges.size()).isEqualTo(3);
        Balancer random = Balancer.of(BalancerKind.RANDOM, 9);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(random.pick(edges).container(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("a", "c", "d");
    }

    private void inFlight(String name, int count) {
        Edge edge = byName.get(name);
        while (edge.inFlight() < count) {
            edge.acquire();
        }
    }
}
