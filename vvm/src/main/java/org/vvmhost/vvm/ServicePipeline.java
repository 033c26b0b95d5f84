package org.vvmhost.vvm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;

/**
 * Starts the services in order, then waits for {@code servicesShut} and stops them in reverse. A start failure
 * becomes the problem and the services already started stop at once; a failure reported while running becomes
 * the problem too, and the problem shuts the VVM down.
 */
final class ServicePipeline implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ServicePipeline.class);

    private final LeasedVvm vvm;
    private final Term term;
    private final CompletableFuture<Void> stopToken = new CompletableFuture<>();

    ServicePipeline(LeasedVvm vvm, Term term) {
        this.vvm = vvm;
        this.term = term;
    }

    @Override
    public void run() {
        Deque<Service> started = new ArrayDeque<>();
        boolean startFailed = false;
        for (Service service : vvm.services) {
            if (vvm.servicesShut.isDone()) {
                break;
            }
            try {
                service.start(new Context(service));
                started.push(service);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                vvm.updateProblem(ProblemKind.SERVICE_FAILED,
                        "service " + service.name() + " failed to start: " + e.getMessage(), e);
                startFailed = true;
                break;
            }
        }
        if (!startFailed && !vvm.servicesShut.isDone()) {
            log.info("services started: {} (fencing token {})", names(started), term.fencingToken());
            vvm.notifyListener("servicesStarted", vvm.listener::servicesStarted);
            Threads.awaitUninterruptibly(vvm.servicesShut);
        }
        stopToken.complete(null);
        stopAll(started);
    }

    private void stopAll(Deque<Service> started) {
        List<String> failedNames = new ArrayList<>();
        VvmProblem failures = null;
        while (!started.isEmpty()) {
            Service service = started.pop();
            try {
                service.stop();
                log.info("service {} stopped", service.name());
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("service {} failed to stop", service.name(), e);
                failedNames.add(service.name());
                if (failures == null) {
                    failures = new VvmProblem(ProblemKind.SERVICE_FAILED, "services failed to stop", null);
                }
                failures.addSuppressed(e);
            }
        }
        if (failures != null) {
            vvm.updateProblem(ProblemKind.SERVICE_FAILED, "services failed to stop: " + String.join(", ",
                    failedNames), failures);
        }
    }

    private static List<String> names(Deque<Service> started) {
        List<String> names = new ArrayList<>();
        started.descendingIterator().forEachRemaining(service -> names.add(service.name()));
        return names;
    }

    private final class Context implements ServiceContext {
        private final Service service;

        Context(Service service) {
            this.service = service;
        }

        @Override
        public Term term() {
            return term;
        }

        @Override
        public DataStore data() {
            return vvm.leadership.data();
        }

        @Override
        public CompletableFuture<Void> stopToken() {
            // A copy, so that no service can complete the token for the others.
            return stopToken.copy();
        }

        @Override
        public void reportFailure(Throwable cause) {
            vvm.updateProblem(ProblemKind.SERVICE_FAILED,
                    "service " + service.name() + " failed: " + (cause == null ? "no cause given" : cause.getMessage()),
                    cause);
        }
    }
}
