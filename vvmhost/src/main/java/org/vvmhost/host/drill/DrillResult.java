package org.vvmhost.host.drill;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a drill ended.
 *
 * @param failures every broken promise, one sentence each; empty when the drill passed
 * @param report   the directory with report.html, report.json and the logs, if one was asked for
 * @param logs     where the replicas' and etcd's logs are
 */
public record DrillResult(List<String> failures, Optional<Path> report, Path logs) {

    public DrillResult {
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }
}
