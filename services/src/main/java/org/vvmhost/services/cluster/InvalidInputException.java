package org.vvmhost.services.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A manifest or scenario is invalid. {@link #problems()} lists every problem found, each naming the document or
 * event and the field; the message joins them. Nothing was applied.
 */
public class InvalidInputException extends ClusterException {

    private final List<String> problems;

    public InvalidInputException(String what, List<String> problems) {
        super(what + " is invalid:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    /** The text of {@code file}, the document called {@code what} in messages; a file that cannot be read is invalid. */
    public static String readText(Path file, String what) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInputException(what,
                    List.of("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
    }
}
