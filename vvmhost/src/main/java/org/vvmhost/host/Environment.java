package org.vvmhost.host;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The process environment, injected so that option defaults can be tested without changing the real one. */
record Environment(Map<String, String> variables) {

    Environment {
        variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    static Environment system() {
        return new Environment(System.getenv());
    }

    /** The variable's value; empty if unset or blank, so that {@code VVM_X=} means "use the default". */
    Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isBlank());
    }
}
