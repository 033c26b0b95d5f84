package org.vvmhost.services.world.service.bench;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.service.WorldServiceSettings;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.time.SystemClock;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmListener;
import org.vvmhost.vvm.VvmSettings;
import org.vvmhost.vvm.Vvms;

/**
 * What {@code vvmhost run} does on the embedded default, measured: the world simulation service in a VVM on the
 * in-memory election, at its configured rate, for a while; then the tick times.
 * {@code SteadyTickRun [entities] [hz] [seconds]}; defaults 100000, 20, 60.
 */
public final class SteadyTickRun {

    private SteadyTickRun() {
    }

    public static void main(String[] args) throws Exception {
        String entities = args.length > 0 ? args[0] : "100000";
        String hertz = args.length > 1 ? args[1] : "20";
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 60;
        WorldConfig config = WorldConfig.parse("", Map.of("world.entities", entities, "world.tick-rate", hertz));
        WorldServiceSettings settings = WorldServiceSettings.of(config);
        try (SystemClock clock = SystemClock.create("bench-clock");
             Leadership leadership = InMemoryElection.create(clock, LeaseSettings.defaults())
                     .join(new Candidate("bench", "bench", 0, Instant.now()))) {
            WorldSimulationService service = WorldSimulationService.create(settings, ComponentSetRegistry.builtIn(),
                    context -> WorldViewLocation.inElection(settings.storeTimeout()).open(context, clock),
                    java.util.Optional.empty(), clock);
            Vvm vvm = Vvms.provide(VvmSettings.defaults(), leadership, java.util.List.of(service), clock, () -> {
            }, VvmListener.NONE);
            vvm.launch();
            TimeUnit.SECONDS.sleep(seconds);
            vvm.shutdown();
            System.out.printf("%s entities at %s Hz for %d s, %d threads: %s%n", entities, hertz, seconds,
                    settings.threads(), service.tickStats());
        }
    }
}
