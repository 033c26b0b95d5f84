package org.vvmhost.services.cluster;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** ns per pick of a balancer over a routable edge set of 8 or 64 edges (in the cluster package: the balancer and
 *  edge set are package-private). Run through {@code bench.ClusterBenchmarks}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BalancerPickBenchmark {

    @Param({"8", "64"})
    public int edges;

    @Param({"ROUND_ROBIN", "LEAST_CONNECTIONS"})
    public BalancerKind kind;

    private RoutableEdges routable;
    private Balancer balancer;

    @Setup
    public void setUp() {
        routable = new RoutableEdges();
        for (int i = 0; i < edges; i++) {
            Edge edge = new Edge("c" + i);
            for (int load = 0; load < (i * 7) % 5; load++) {
                edge.acquire();
            }
            routable.putLast(edge);
        }
        balancer = Balancer.of(kind, 1);
    }

    @Benchmark
    public Edge pick() {
        return balancer.pick(routable);
    }
}
