package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A class-path directory that turns a replica into a rogue, for the drill's audit to catch; it exists only in the
 * test's build. It holds a variant of the product's {@code org.vvmhost.vvm.Launcher}, compiled now from the product's
 * own source with one line changed, so that it wraps each won term in the test's {@code RogueTerm}, and that class.
 * Put the directory before the jar on a drill's class path: the drill starts its replicas with its own class path.
 */
final class RogueReplicas {

    private static final String LEAD = "            lead(term);";

    private RogueReplicas() {
    }

    static Path build(Path dir) throws IOException {
        Path root = Path.of(System.getProperty("vvmhost.projectRoot"));
        Path testClasses = Path.of(System.getProperty("vvmhost.testClasses"));
        Path jar = Path.of(System.getProperty("vvmhost.jar"));
        String source = Files.readString(root.resolve("vvm/src/main/java/org/vvmhost/vvm/Launcher.java"),
                StandardCharsets.UTF_8);
        assertThat(source.split(java.util.regex.Pattern.quote(LEAD), -1)).as("the line the variant changes, once")
                .hasSize(2);
        Path sources = Files.createDirectories(dir.resolve("src/org/vvmhost/vvm"));
        Path launcher = sources.resolve("Launcher.java");
        Files.writeString(launcher, source.replace(LEAD,
                "            lead(RogueTerm.wrap(term, vvm.leadership.description()));"), StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int result = javac.run(null, null, null, "-d", classes.toString(), "-cp",
                testClasses + java.io.File.pathSeparator + jar, launcher.toString());
        assertThat(result).as("javac of the Launcher variant").isZero();
        Path rogue = testClasses.resolve("org/vvmhost/vvm");
        try (Stream<Path> files = Files.list(rogue)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("RogueTerm")).toList()) {
                Files.copy(file, classes.resolve("org/vvmhost/vvm").resolve(file.getFileName()));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertThat(classes.resolve("org/vvmhost/vvm/RogueTerm.class")).exists();
        return classes;
    }

    /** The environment variable that makes the wrapped terms rogue: {@code deaf} or {@code unfenced}. */
    static final String MODE = "VVMHOST_TEST_ROGUE";
}
