package org.vvmhost.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code vvmhost drill} run as people run it: the image's command line ({@code java -jar vvmhost.jar drill …}) as a
 * process of its own, from a working directory that is not the project's, with its output kept. The report it wrote
 * is read back as JSON.
 */
record DrillCommandRun(int exitCode, String output, Path report) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Runs the drill with {@code args} in {@code workDir} (its report goes to {@code workDir/report}), waiting at
     * most {@code budget}.
     */
    static DrillCommandRun run(Path workDir, List<String> args, Duration budget)
            throws IOException, InterruptedException {
        return run(workDir, args, budget, Map.of());
    }

    /**
     * Like {@link #run(Path, List, Duration)}, with {@code variables} added to the environment, and
     * {@code classPathFirst}, if given, on the class path before the jar.
     */
    static DrillCommandRun run(Path workDir, List<String> args, Duration budget, Map<String, String> variables,
            Path... classPathFirst) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (classPathFirst.length == 0) {
            // The image's own command line: its ENTRYPOINT, with the jar's path filled in.
            command.addAll(ImageCommand.fromBuild().entrypoint());
        } else {
            String jar = Path.of(System.getProperty("vvmhost.jar")).toAbsolutePath().toString();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> classPath = new ArrayList<>();
            for (Path dir : classPathFirst) {
                classPath.add(dir.toAbsolutePath().toString());
            }
            classPath.add(jar);
            command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath),
                    "org.vvmhost.host.Main"));
        }
        command.add("drill");
        command.addAll(List.of("--report", "report"));
        command.addAll(args);
        Path output = workDir.resolve("drill-output.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("VVM_"));
        builder.environment().putAll(variables);
        Process process = builder.start();
        try {
            if (!process.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the drill did not end within " + budget + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
        } finally {
            process.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        System.out.println(text);
        return new DrillCommandRun(process.exitValue(), text, workDir.resolve("report"));
    }

    JsonNode json() throws IOException {
        return JSON.readTree(report.resolve("report.json").toFile());
    }

    Path html() {
        return report.resolve("report.html");
    }
}
