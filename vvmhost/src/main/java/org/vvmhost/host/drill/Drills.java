package org.vvmhost.host.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.vvmhost.time.Clock;

/** Runs drills: the entry point of {@code vvmhost drill}. */
public final class Drills {

    private Drills() {
    }

    /**
     * Runs the drill that {@code settings} describe, printing its progress, its table and its verdict to {@code out},
     * and writes its report if {@link DrillSettings#report()} names a directory. The replicas' and etcd's logs go to
     * the report's {@code logs/}, or to a temporary directory that the result names.
     *
     * @throws DrillException if the drill could not go on (an awaited event did not happen within the timeout)
     */
    public static DrillResult run(DrillSettings settings, Clock clock, PrintWriter out) throws InterruptedException {
        Path workDir;
        Path logs;
        try {
            workDir = Files.createTempDirectory("vvmhost-drill-");
            logs = settings.report().map(report -> report.resolve("logs")).orElse(workDir.resolve("logs"));
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the drill's directories: " + e.getMessage(), e);
        }
        DrillRun run;
        try {
            if (settings.target() instanceof DrillTarget.Local local) {
                run = new LocalDrill(settings, local, clock, out, workDir.resolve("etcd"), logs).run();
            } else {
                run = new ExternalDrill(settings, (DrillTarget.External) settings.target(), clock, out, logs).run();
            }
        } finally {
            // Without a report, the logs stay in the work directory, which the result names.
            delete(settings.report().isPresent() ? workDir : workDir.resolve("etcd"));
        }
        out.println(DrillText.legend());
        out.println();
        out.print(DrillText.summary(run));
        if (settings.report().isPresent()) {
            DrillReports.write(run, settings.report().get());
            out.println("report: " + shown(settings.report().get().resolve("report.html")));
        } else {
            out.println("logs: " + shown(logs));
        }
        out.flush();
        return new DrillResult(DrillText.failures(run), settings.report(), logs);
    }

    /** {@code path} relative to the working directory if it lies under it, as people gave it. */
    static Path shown(Path path) {
        Path here = Path.of("").toAbsolutePath();
        return path.startsWith(here) ? here.relativize(path) : path;
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the drill's files in " + dir, e);
        }
    }
}
