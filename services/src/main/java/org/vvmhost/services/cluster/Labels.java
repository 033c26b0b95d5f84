package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Syntax of names and labels, and selector matching. */
final class Labels {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    static final int MAX_NAME = 63;

    private Labels() {
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> pair : selector.entrySet()) {
            if (!pair.getValue().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Why {@code name} is not a valid resource name, if it is not. */
    static Optional<String> nameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (name.length() > MAX_NAME) {
            return Optional.of("'" + name + "' is longer than " + MAX_NAME + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("'" + name + "' must be lower-case letters, digits and '-', starting and ending"
                    + " with a letter or digit");
        }
        return Optional.empty();
    }

    /** Why {@code labels} (a selector or label set) is invalid, if it is. */
    static Optional<String> labelsProblem(Map<String, String> labels) {
        for (Map.Entry<String, String> pair : labels.entrySet()) {
            if (!LABEL.matcher(pair.getKey()).matches() || pair.getKey().length() > MAX_NAME) {
                return Optional.of("label key '" + pair.getKey() + "' must be letters, digits, '-', '_' or '.'"
                        + " (at most " + MAX_NAME + ")");
            }
            if (!LABEL.matcher(pair.getValue()).matches() || pair.getValue().length() > MAX_NAME) {
                return Optional.of("label value '" + pair.getValue() + "' of '" + pair.getKey()
                        + "' must be letters, digits, '-', '_' or '.' (at most " + MAX_NAME + ")");
            }
        }
        return Optional.empty();
    }

    /** Why {@code selector} cannot select containers, if it cannot. */
    static Optional<String> selectorProblem(Map<String, String> selector) {
        if (selector.isEmpty()) {
            return Optional.of("must not be empty: give at least one label, for example {app: demo}");
        }
        return labelsProblem(selector);
    }
}
