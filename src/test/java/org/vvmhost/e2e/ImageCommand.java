package org.vvmhost.e2e;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The container image's command line, read from the Dockerfile: its exec-form {@code ENTRYPOINT} and
 * {@code CMD}. Tests launch exactly that, with the jar's path (and {@code java}) resolved on this machine, so the
 * image runs a command line that the tests have run.
 */
public record ImageCommand(List<String> entrypoint, List<String> defaultArgs, List<String> healthcheck) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageCommand {
        entrypoint = List.copyOf(entrypoint);
        defaultArgs = List.copyOf(defaultArgs);
        healthcheck = List.copyOf(healthcheck);
    }

    /** From the paths the build passes in system properties {@code vvmhost.dockerfile} and {@code vvmhost.jar}. */
    static ImageCommand fromBuild() {
        return read(Path.of(required("vvmhost.dockerfile")), Path.of(required("vvmhost.jar")));
    }

    static ImageCommand read(Path dockerfile, Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no jar at " + jar + "; build it with mvn package first");
        }
        ImageCommand declared = declared(dockerfile);
        return new ImageCommand(resolve(declared.entrypoint(), jar), declared.defaultArgs(),
                declared.healthcheck().isEmpty() ? List.of() : resolve(declared.healthcheck(), jar));
    }

    /** The last stage's ENTRYPOINT and CMD exactly as the Dockerfile declares them, paths as in the image. */
    public static ImageCommand declared(Path dockerfile) {
        List<String> entrypoint = null;
        List<String> cmd = List.of();
        List<String> healthcheck = List.of();
        for (String instruction : instructions(dockerfile)) {
            String keyword = instruction.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                // Only the last stage, the runtime image, counts.
                entrypoint = null;
                cmd = List.of();
                healthcheck = List.of();
            } else if (keyword.equals("ENTRYPOINT")) {
                entrypoint = execForm(instruction);
            } else if (keyword.equals("CMD")) {
                cmd = execForm(instruction);
            } else if (keyword.equals("HEALTHCHECK")) {
                // HEALTHCHECK [--option=value...] CMD [exec form]
                healthcheck = execForm(instruction.substring(instruction.indexOf(" CMD ") + 1));
            }
        }
        if (entrypoint == null) {
            throw new IllegalStateException(dockerfile + " has no ENTRYPOINT in its last stage");
        }
        return new ImageCommand(entrypoint, cmd, healthcheck);
    }

    /** The image's command line for {@code args}; no args means the image's default {@code CMD}. */
    public List<String> commandLine(List<String> args) {
        List<String> line = new ArrayList<>(entrypoint);
        line.addAll(args.isEmpty() ? defaultArgs : args);
        return line;
    }

    private static List<String> resolve(List<String> entrypoint, Path jar) {
        if (entrypoint.stream().noneMatch(word -> word.endsWith("/vvmhost.jar"))) {
            throw new IllegalStateException("the ENTRYPOINT " + entrypoint + " does not run vvmhost.jar");
        }
        List<String> resolved = new ArrayList<>();
        for (String word : entrypoint) {
            if (word.equals("java")) {
                resolved.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else if (word.endsWith("/vvmhost.jar")) {
                resolved.add(jar.toAbsolutePath().toString());
            } else {
                resolved.add(word);
            }
        }
        return resolved;
    }

    private static List<String> execForm(String instruction) {
        String arguments = instruction.split("\\s+", 2)[1].trim();
        if (!arguments.startsWith("[")) {
            throw new IllegalStateException("not in exec form (a JSON array), so the JVM would not get SIGTERM: "
                    + instruction);
        }
        try {
            return JSON.readValue(arguments, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON array of strings: " + instruction, e);
        }
    }

    /** The instructions, with comments dropped and continued lines joined. */
    static List<String> instructions(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            if (current.length() > 0) {
                instructions.add(current.toString().trim());
            }
            current.setLength(0);
        }
        return instructions;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run through mvn verify");
        }
        return value;
    }
}
