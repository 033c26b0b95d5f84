package org.vvmhost.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Measures, over 5 runs of the image's command line on the embedded default: the time from starting the process to
 * its {@code leadership acquired} line, and from SIGTERM to its exit. Prints each run and the medians. Not a test.
 *
 * <p>Build first ({@code mvn -B -o -q clean package -DskipTests}), then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.StartupBenchmark}.
 * Optional arguments: the Dockerfile and the jar, by default {@code Dockerfile} and
 * {@code vvmhost/target/vvmhost.jar}.
 */
public final class StartupBenchmark {

    private static final int RUNS = 5;
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dockerfile = Path.of(args.length > 0 ? args[0] : "Dockerfile");
        Path jar = Path.of(args.length > 1 ? args[1] : "vvmhost/target/vvmhost.jar");
        ImageCommand image = ImageCommand.read(dockerfile, jar);
        System.out.println("command line: " + String.join(" ", image.commandLine(List.of())));

        List<Double> toLeader = new ArrayList<>();
        List<Double> toExit = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            try (HostProcess host = HostProcess.start(image, List.of())) {
                Optional<String> acquired = host.awaitLineContaining("leadership acquired", BUDGET);
                long acquiredNanos = System.nanoTime();
                if (acquired.isEmpty()) {
                    throw new IllegalStateException("run " + run + ": no 'leadership acquired' line:\n" + host.output());
                }
                host.awaitLineContaining("services started", BUDGET);
                long sigtermNanos = System.nanoTime();
                host.sigterm();
                Optional<Integer> exitCode = host.awaitExit(BUDGET);
                long exitNanos = System.nanoTime();
                if (!exitCode.equals(Optional.of(0))) {
                    throw new IllegalStateException("run " + run + ": exit " + exitCode + ":\n" + host.output());
                }
                toLeader.add(millis(acquiredNanos - host.startedNanos()));
                toExit.add(millis(exitNanos - sigtermNanos));
                System.out.printf("run %d: start → leadership acquired %.0f ms, SIGTERM → exit %.0f ms%n",
                        run, toLeader.get(run - 1), toExit.get(run - 1));
            }
        }
        System.out.printf("median of %d: start → leadership acquired %.0f ms, SIGTERM → exit %.0f ms%n",
                RUNS, median(toLeader), median(toExit));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
