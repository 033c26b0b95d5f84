package org.vvmhost.services.cluster.demo;

import java.util.List;
import java.util.Map;

/**
 * What a scenario run measured. Everything here is a function of the inputs in virtual time (no wall-clock
 * values), so two virtual runs with one seed give equal metrics and byte-identical JSON.
 *
 * @param mode                "virtual" or "wall-clock"
 * @param sent                requests generated
 * @param errors              failed requests by kind (timeout, mailbox_full, no_routable_endpoint, ...)
 * @param requestsPerContainer successful requests by the container that served them
 * @param events              the timeline marks as the driver applied them
 */
public record ScenarioMetrics(String mode, long seed, double durationS, double ratePerS, String service, long sent,
                              long succeeded, long failed, Latency latencyMs, Throughput throughputPerS,
                              Map<String, Long> errors, Map<String, Long> requestsPerContainer,
                              List<AppliedEvent> events) {

    /** Latency of successful requests, in milliseconds. */
    public record Latency(double p50, double p95, double p99, double max, double mean) {
    }

    /** Successful requests completed per second of the run: mean, min, max and each second. */
    public record Throughput(double mean, long min, long max, List<Long> perSecond) {
    }
}
