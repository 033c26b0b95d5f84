package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The built-in function of image {@value #IMAGE}: it takes a service time, without blocking its thread, then
 * replies with its container's name. Settings ({@code spec.config}): {@code serviceTimeMs} (mean, default 2) and
 * {@code serviceTime} = {@code exponential} (default) or {@code fixed}.
 */
public final class DemoFunction implements ContainerFunction {

    public static final String IMAGE = "demo";

    private long meanNanos;
    private boolean exponential;

    /** Registers the demo image. */
    public static FunctionRegistry register(FunctionRegistry registry) {
        return registry.register(IMAGE, DemoFunction::new);
    }

    /** Why these settings are invalid for the demo function, if they are. */
    public static Optional<String> configProblem(Map<String, String> config) {
        for (String key : config.keySet()) {
            if (!key.equals("serviceTimeMs") && !key.equals("serviceTime")) {
                return Optional.of("spec.config." + key + ": unknown setting of image 'demo'; expected serviceTimeMs,"
                        + " serviceTime");
            }
        }
        String mean = config.getOrDefault("serviceTimeMs", "2");
        try {
            double value = Double.parseDouble(mean);
            if (!(value >= 0) || Double.isInfinite(value)) {
                return Optional.of("spec.config.serviceTimeMs: must be 0 or more milliseconds, not '" + mean + "'");
            }
        } catch (NumberFormatException e) {
            return Optional.of("spec.config.serviceTimeMs: must be a number of milliseconds, not '" + mean + "'");
        }
        String kind = config.getOrDefault("serviceTime", "exponential");
        if (!kind.equals("exponential") && !kind.equals("fixed")) {
            return Optional.of("spec.config.serviceTime: must be exponential or fixed, not '" + kind + "'");
        }
        return Optional.empty();
    }

    @Override
    public void start(ContainerContext context) {
        configProblem(context.config()).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        meanNanos = Math.round(Double.parseDouble(context.config().getOrDefault("serviceTimeMs", "2")) * 1e6);
        exponential = context.config().getOrDefault("serviceTime", "exponential").equals("exponential");
    }

    @Override
    public Object handle(Object message, ContainerContext context) {
        long nanos = exponential ? Math.round(-Math.log(1 - context.random().nextDouble()) * meanNanos) : meanNanos;
        if (nanos <= 0) {
            return context.name();
        }
        CompletableFuture<Object> done = new CompletableFuture<>();
        context.clock().schedule(Duration.ofNanos(nanos), () -> done.complete(context.name()));
        return done;
    }
}
