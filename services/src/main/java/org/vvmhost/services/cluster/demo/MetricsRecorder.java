package org.vvmhost.services.cluster.demo;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.vvmhost.services.cluster.ContainerFailedException;
import org.vvmhost.services.cluster.ContainerUnavailableException;
import org.vvmhost.services.cluster.MailboxFullException;
import org.vvmhost.services.cluster.NoRoutableEndpointException;
import org.vvmhost.services.cluster.UnknownTargetException;

/**
 * Collects request outcomes from any thread; {@link #snapshot} computes the metrics. Latencies go into a histogram
 * of fixed size (3 significant digits, so a percentile is within 0.1% of the recorded value), however long the run.
 */
final class MetricsRecorder {

    /** The name of each kind of failure in the metrics, looked up in this order. */
    private static final Map<Class<? extends Throwable>, String> ERROR_KINDS = new LinkedHashMap<>();

    static {
        ERROR_KINDS.put(TimeoutException.class, "timeout");
        ERROR_KINDS.put(MailboxFullException.class, "mailbox_full");
        ERROR_KINDS.put(NoRoutableEndpointException.class, "no_routable_endpoint");
        ERROR_KINDS.put(ContainerUnavailableException.class, "container_unavailable");
        ERROR_KINDS.put(ContainerFailedException.class, "container_failed");
        ERROR_KINDS.put(UnknownTargetException.class, "unknown_target");
    }

    private final int seconds;
    private final long[] perSecond;
    private final Map<String, Long> errors = new TreeMap<>();
    /** Counts per container, sorted only for the snapshot; a count is a one-element array, so no boxing. */
    private final Map<String, long[]> perContainer = new HashMap<>();
    private final Histogram latencies = new Histogram(3);
    private long sent;

    MetricsRecorder(int seconds) {
        this.seconds = seconds;
        this.perSecond = new long[seconds];
    }

    synchronized void sent() {
        sent++;
    }

    synchronized void success(long latencyNanos, long completedAtNanos, String container) {
        latencies.recordValue(latencyNanos);
        int second = (int) (completedAtNanos / 1_000_000_000L);
        if (second >= 0 && second < seconds) {
            perSecond[second]++;
        }
        perContainer.computeIfAbsent(container, name -> new long[1])[0]++;
    }

    synchronized void failure(Throwable error) {
        errors.merge(kindOf(error), 1L, Long::sum);
    }

    static String kindOf(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        for (Map.Entry<Class<? extends Throwable>, String> kind : ERROR_KINDS.entrySet()) {
            if (kind.getKey().isInstance(cause)) {
                return kind.getValue();
            }
        }
        return "other";
    }

    synchronized ScenarioMetrics snapshot(String mode, long seed, double durationS, double rate, String service,
                                          List<AppliedEvent> events) {
        long count = latencies.getTotalCount();
        ScenarioMetrics.Latency latency = new ScenarioMetrics.Latency(percentile(50), percentile(95), percentile(99),
                ms(count == 0 ? 0 : latencies.getMaxValue()), ms(Math.round(count == 0 ? 0 : latencies.getMean())));
        long min = Long.MAX_VALUE;
        long max = 0;
        long total = 0;
        for (long value : perSecond) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            total += value;
        }
        ScenarioMetrics.Throughput throughput = new ScenarioMetrics.Throughput(
                seconds == 0 ? 0 : Math.round(total * 1000.0 / seconds) / 1000.0, seconds == 0 ? 0 : min, max,
                Arrays.stream(perSecond).boxed().toList());
        Map<String, Long> served = new TreeMap<>();
        perContainer.forEach((name, requests) -> served.put(name, requests[0]));
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        return new ScenarioMetrics(mode, seed, durationS, rate, service, sent, count, failed, latency, throughput,
                Collections.unmodifiableMap(new TreeMap<>(errors)),
                Collections.unmodifiableMap(served), events);
    }

    private double percentile(double percent) {
        return ms(latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percent));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
