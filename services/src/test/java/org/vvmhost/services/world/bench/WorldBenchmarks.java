package org.vvmhost.services.world.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the world benchmarks and prints the figures in the units that matter: entity-updates per second for the
 * physics ticks (ours and Dominion's), MB/s for world view write and restore. Any JMH option given on the
 * command line overrides the short defaults (for example {@code -wi 5 -i 10 -r 2s}).
 */
public final class WorldBenchmarks {

    private WorldBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions given = new CommandLineOptions(args);
        // A builder's own settings win over its parent's, so set only the defaults the command line left open.
        ChainedOptionsBuilder options = new OptionsBuilder().parent(given);
        if (given.getIncludes().isEmpty()) {
            options.include(WorldBenchmarks.class.getPackageName() + ".*Benchmark");
        }
        if (!given.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!given.getWarmupIterations().hasValue()) {
            options.warmupIterations(2);
        }
        if (!given.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(1));
        }
        if (!given.getMeasurementIterations().hasValue()) {
            options.measurementIterations(3);
        }
        if (!given.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(1));
        }
        if (!given.getJvmArgsAppend().hasValue()) {
            options.jvmArgsAppend("-Xmx3g");
        }
        Options defaults = options.build();
        Collection<RunResult> results = new Runner(defaults).run();
        System.out.println();
        System.out.println("Benchmark                              entities  threads   figure");
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            int entities = Integer.parseInt(result.getParams().getParam("entities"));
            String threads = result.getParams().getParam("threads");
            double score = result.getPrimaryResult().getScore();
            String figure;
            if (name.startsWith("FullTickBenchmark")) {
                var percentiles = result.getPrimaryResult().getStatistics();
                figure = String.format("tick mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms", score,
                        percentiles.getPercentile(50), percentiles.getPercentile(99), percentiles.getMax());
            } else if (name.startsWith("WorldViewBenchmark")) {
                // 36 bytes per entity (physics 24 + vitality 12) plus a header under 200 bytes.
                double megabytes = entities * 36.0 / 1e6;
                figure = String.format("%8.1f ms = %7.1f MB/s (≈%.1f MB)", score, megabytes / (score / 1000),
                        megabytes);
            } else {
                figure = String.format("%,15.0f entity-updates/s", score * entities);
            }
            System.out.printf("%-38s %8d  %7s  %s%n", name, entities, threads == null ? "1" : threads, figure);
        }
    }
}
