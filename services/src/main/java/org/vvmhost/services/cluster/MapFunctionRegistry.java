package org.vvmhost.services.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

final class MapFunctionRegistry implements FunctionRegistry {

    private final ConcurrentHashMap<String, Supplier<? extends ContainerFunction>> factories = new ConcurrentHashMap<>();

    @Override
    public FunctionRegistry register(String image, Supplier<? extends ContainerFunction> factory) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(factory, "factory");
        if (factories.putIfAbsent(image, factory) != null) {
            throw new IllegalArgumentException("image '" + image + "' is already registered");
        }
        return this;
    }

    @Override
    public Optional<ContainerFunction> instantiate(String image) {
        Supplier<? extends ContainerFunction> factory = factories.get(image);
        return factory == null ? Optional.empty() : Optional.of(factory.get());
    }

    @Override
    public Set<String> images() {
        return new TreeSet<>(factories.keySet());
    }
}
