package org.vvmhost.services.cluster;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Functions by image name: a container of image {@code x} runs a fresh instance from the factory for {@code x}. */
public interface FunctionRegistry {

    static FunctionRegistry create() {
        return new MapFunctionRegistry();
    }

    /** Registers a factory; throws {@link IllegalArgumentException} if {@code image} is taken. Returns this. */
    FunctionRegistry register(String image, Supplier<? extends ContainerFunction> factory);

    /** A new instance of the function for {@code image}, if one is registered. */
    Optional<ContainerFunction> instantiate(String image);

    Set<String> images();
}
