package org.vvmhost.services.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Collects request outcomes from any thread; {@link #snapshot} computes the metrics. */
final class MetricsRecorder {

    private final int seconds;
    private final long[] perSecond;
    private final Map<String, Long> errors = new TreeMap<>();
    private final Map<String, Long> perContainer = new TreeMap<>();
    private long[] latencies = new long[1 << 16];
    private int count;
    private long sent;

    MetricsRecorder(int seconds) {
        this.seconds = seconds;
        this.perSecond = new long[seconds];
    }

    synchronized void sent() {
        sent++;
    }

    synchronized void success(long latencyNanos, long completedAtNanos, Object container) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = latencyNanos;
        int second = (int) (completedAtNanos / 1_000_000_000L);
        if (second >= 0 && second < seconds) {
            perSecond[second]++;
        }
        perContainer.merge(String.valueOf(container), 1L, Long::sum);
    }

    synchronized void failure(Throwable error) {
        errors.merge(kindOf(error), 1L, Long::sum);
    }

    static String kindOf(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return "timeout";
        }
        if (cause instanceof MailboxFullException) {
            return "mailbox_full";
        }
        if (cause instanceof NoRoutableEndpointException) {
            return "no_routable_endpoint";
        }
        if (cause instanceof ContainerUnavailableException) {
            return "container_unavailable";
        }
        if (cause instanceof ContainerFailedException) {
            return "container_failed";
        }
        if (cause instanceof UnknownTargetException) {
            return "unknown_target";
        }
        return "other";
    }

    synchronized ScenarioMetrics snapshot(String mode, long seed, double durationS, double rate, String service,
                                          List<AppliedEvent> events) {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        double mean = 0;
        for (long value : sorted) {
            mean += value;
        }
        mean = count == 0 ? 0 : mean / count;
        ScenarioMetrics.Latency latency = new ScenarioMetrics.Latency(ms(rank(sorted, 0.50)), ms(rank(sorted, 0.95)),
                ms(rank(sorted, 0.99)), ms(count == 0 ? 0 : sorted[count - 1]), ms(Math.round(mean)));
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
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        return new ScenarioMetrics(mode, seed, durationS, rate, service, sent, count, failed, latency, throughput,
                java.util.Collections.unmodifiableMap(new TreeMap<>(errors)),
                java.util.Collections.unmodifiableMap(new TreeMap<>(perContainer)), events);
    }

    /** Nearest-rank percentile. */
    private static long rank(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
