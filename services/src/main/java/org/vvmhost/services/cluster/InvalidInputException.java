package org.vvmhost.services.cluster;

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
}
