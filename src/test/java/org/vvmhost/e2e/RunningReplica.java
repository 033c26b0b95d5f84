package org.vvmhost.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code vvmhost run} replica of an election with its HTTP API, for the switchover's test and benchmark.
 *
 * @param id its instance id
 */
record RunningReplica(HostProcess process, ApiClient api, String id) {

    /** Starts {@code args} (the image's command line) as replica {@code id}, once its HTTP API listens. */
    static RunningReplica start(ImageCommand image, List<String> args, String id, Duration budget)
            throws InterruptedException {
        HostProcess process = HostProcess.start(image, args);
        URI api = process.apiUrl(budget).orElseThrow(() -> new IllegalStateException(
                "no 'HTTP API listening' line from " + id + ":\n" + process.output()));
        return new RunningReplica(process, new ApiClient(api), id);
    }

    /**
     * Waits until one of the two leads with its services started and the other is a ready standby in the election's
     * line, and returns the leader. (A standby's VVM says it is ready a moment before its key exists.)
     */
    static RunningReplica awaitRoles(RunningReplica a, RunningReplica b, Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline) {
            if (a.leadsWith(b)) {
                return a;
            }
            if (b.leadsWith(a)) {
                return b;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("no leader with a ready standby in line within " + budget);
    }

    private boolean leadsWith(RunningReplica standby) throws Exception {
        if (api.status("/leader") != 200 || standby.api.status("/standby") != 200) {
            return false;
        }
        for (JsonNode waiting : api.get("/status").json().at("/election/waiting")) {
            if (waiting.get("id").asText().equals(standby.id)) {
                return true;
            }
        }
        return false;
    }
}
