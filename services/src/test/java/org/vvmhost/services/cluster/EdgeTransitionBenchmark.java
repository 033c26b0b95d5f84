package org.vvmhost.services.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** 10^6 down/up transitions (5 * 10^5 down + 5 * 10^5 up) on a service with 10 or 1000 edges, through the same
 *  path the scenario driver uses (ms per 10^6): the times should be about equal, as each transition is O(1). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EdgeTransitionBenchmark {

    static final int TRANSITIONS = 1_000_000;

    @Param({"10", "1000"})
    public int edges;

    private ServiceEndpoints endpoints;
    private String[] names;
    private Edge[] byIndex;

    @Setup
    public void setUp() {
        Set<String> down = ConcurrentHashMap.newKeySet();
        endpoints = new ServiceEndpoints("svc", BalancerKind.ROUND_ROBIN, 1, down);
        Map<String, Edge> members = new LinkedHashMap<>();
        names = new String[edges];
        byIndex = new Edge[edges];
        for (int i = 0; i < edges; i++) {
            names[i] = "c" + i;
            byIndex[i] = new Edge(names[i]);
            members.put(names[i], byIndex[i]);
        }
        endpoints.members(members);
    }

    @Benchmark
    public int downUp() {
        for (int i = 0; i < TRANSITIONS / 2; i++) {
            int target = i % edges;
            endpoints.markDown(names[target]);
            endpoints.markUp(names[target], byIndex[target]);
        }
        return endpoints.routable().size();
    }
}
