package org.vvmhost.services.cluster.demo;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vvmhost.services.cluster.ContainerContext;
import org.vvmhost.services.cluster.ContainerFunction;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.Request;

/**
 * The built-in function of image {@value #IMAGE}: it takes a service time, without blocking its thread, then
 * replies with its container's name. It answers {@link Work}. Settings ({@code spec.config}): {@code serviceTimeMs} (mean, default 2) and
 * {@code serviceTime} = {@code exponential} (default) or {@code fixed}.
 */
public final class DemoFunction implements ContainerFunction {

    public static final String IMAGE = "demo";

    /** What the demo function is asked. */
    public sealed interface DemoRequest<R> extends Request<R> permits Work {
        CompletionStage<R> servedBy(DemoFunction function, ContainerContext context);
    }

    /** One unit of work; the reply is the name of the container that served it. */
    public record Work(long sequence) implements DemoRequest<String> {
        @Override
        public CompletionStage<String> servedBy(DemoFunction function, ContainerContext context) {
            return function.serve(context);
        }
    }

    private long meanNanos;
    private Duration mean;
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
        mean = Duration.ofNanos(meanNanos);
        exponential = context.config().getOrDefault("serviceTime", "exponential").equals("exponential");
    }

    @Override
    public <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) {
        if (request instanceof DemoRequest<R> demo) {
            return demo.servedBy(this, context);
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("image '" + IMAGE
                + "' does not understand " + request));
    }

    private CompletionStage<String> serve(ContainerContext context) {
        long nanos = exponential ? Math.round(-Math.log(1 - context.random().nextDouble()) * meanNanos) : meanNanos;
        if (nanos <= 0) {
            return CompletableFuture.completedFuture(context.name());
        }
        Served served = new Served(context.name());
        context.clock().schedule(exponential ? Duration.ofNanos(nanos) : mean, served);
        return served;
    }

    /** The reply, and the task that gives it when the service time is over: one object per request. */
    private static final class Served extends CompletableFuture<String> implements Runnable {
        private final String container;

        Served(String container) {
            this.container = container;
        }

        @Override
        public void run() {
            complete(container);
        }
    }
}
