package org.vvmhost.services.cluster.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.vvmhost.services.cluster.ContainerSpec;

/** The limit {@link SendToServiceBenchmark} is measured against: a plain {@link ArrayBlockingQueue} of a mailbox's
 *  capacity between the benchmark thread and one consumer thread that takes. A full queue is
 *  backpressure, handled as the cluster benchmark handles a full mailbox: spin and offer again. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueHandoffBenchmark {

    private static final Object MESSAGE = new Object();

    private ArrayBlockingQueue<Object> queue;
    private Thread consumer;

    @Setup
    public void setUp() {
        queue = new ArrayBlockingQueue<>(ContainerSpec.DEFAULT_MAILBOX_CAPACITY);
        consumer = new Thread(() -> {
            try {
                while (true) {
                    queue.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-queue-consumer");
        consumer.start();
    }

    @Benchmark
    public void handoff() {
        while (!queue.offer(MESSAGE)) {
            Thread.onSpinWait();
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        consumer.interrupt();
        consumer.join();
    }
}
