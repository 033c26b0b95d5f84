package org.vvmhost.services.world.authority;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a simulator process says of itself in its registration, the value of {@code <election>-data/simulators/<id>}:
 * where its gRPC server is reached, the component sets it can simulate and how many areas it takes.
 *
 * @param address       {@code host:port} of its gRPC server, as the leader reaches it
 * @param componentSets the component sets it can simulate, by name
 * @param capacity      how many (component set, area) grants it takes at most, at least 1
 */
public record SimulatorRegistration(String id, String address, List<String> componentSets, int capacity, String host,
                                    long pid) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public SimulatorRegistration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        componentSets = List.copyOf(componentSets);
        Objects.requireNonNull(host, "host");
        if (id.isBlank() || id.contains("/")) {
            throw new IllegalArgumentException("a simulator id is not blank and has no '/'; got '" + id + "'");
        }
        if (componentSets.isEmpty()) {
            throw new IllegalArgumentException("a simulator simulates at least one component set");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("a simulator's capacity is at least 1 area; got " + capacity);
        }
    }

    /** Its key in the election's data. */
    public String key() {
        return SimulatorAuthority.SIMULATORS + id;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a simulator's registration as JSON", e);
        }
    }

    /** The registration in {@code json}; empty if it is not one (a newer or damaged value), which is logged by the caller. */
    public static Optional<SimulatorRegistration> parse(byte[] json) {
        try {
            return Optional.of(JSON.readValue(json, SimulatorRegistration.class));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
