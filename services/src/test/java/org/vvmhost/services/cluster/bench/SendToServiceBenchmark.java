package org.vvmhost.services.cluster.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.vvmhost.services.cluster.BalancerKind;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.ClusterService;
import org.vvmhost.services.cluster.ContainerSpec;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.MailboxFullException;
import org.vvmhost.services.cluster.ReplicaSet;
import org.vvmhost.time.SystemClock;
import org.vvmhost.services.cluster.TestFunctions;

/** Messages per second through {@code sendToService} (round robin) to 4 containers whose function counts. A full
 *  mailbox is backpressure: the sender spins and retries, so the figure is the sustained delivery rate. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SendToServiceBenchmark {

    private final LongAdder handled = new LongAdder();
    private SystemClock clock;
    private static final TestFunctions.Msg TRUE = TestFunctions.msg(Boolean.TRUE);

    private Cluster cluster;

    @Setup
    public void setUp() {
        clock = SystemClock.create("bench-clock");
        FunctionRegistry functions = FunctionRegistry.create().register("count", () -> TestFunctions.replying((msg, ctx) -> {
            handled.increment();
            return null;
        }));
        cluster = Cluster.start(ClusterOptions.threaded(clock), functions);
        cluster.apply(ReplicaSet.of("sink", 4, Map.of("app", "sink"), ContainerSpec.of("count")));
        cluster.apply(ClusterService.of("sink", Map.of("app", "sink"), BalancerKind.ROUND_ROBIN));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cluster.routable("sink").size() < 4 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Benchmark
    public void sendToService() {
        while (true) {
            try {
                cluster.sendToService("sink", TRUE);
                return;
            } catch (MailboxFullException e) {
                Thread.onSpinWait();
            }
        }
    }

    @TearDown
    public void tearDown() {
        cluster.close();
        clock.close();
    }
}
