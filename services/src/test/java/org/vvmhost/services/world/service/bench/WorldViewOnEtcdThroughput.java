package org.vvmhost.services.world.service.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.SystemClock;

/**
 * Measures world view write and restore speed through etcd, in MB/s. Run against an etcd of your own:
 * {@code WorldViewOnEtcdThroughput http://127.0.0.1:2379 [entities] [rounds]}. A write is chunks of 1 MiB, each a
 * fenced transaction, then the manifest switch; a restore is the read of every chunk plus the checksum.
 */
public final class WorldViewOnEtcdThroughput {

    private WorldViewOnEtcdThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args.length > 0 ? args[0] : "http://127.0.0.1:2379";
        int entities = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        WorldConfig config = WorldConfig.parse("", Map.of("world.entities", Integer.toString(entities)));
        WorldView view;
        try (World world = TestWorlds.create(config, ComponentSetRegistry.builtIn(), 2)) {
            TestWorlds.advanceTo(world, 10);
            view = world.snapshot();
        }
        double megabytes = view.bytes().length / 1e6;
        System.out.printf("world view of %d entities: %.1f MB%n", entities, megabytes);
        String election = "bench/world-view-" + ProcessHandle.current().pid();
        try (SystemClock clock = SystemClock.create("bench-clock");
             Leadership leadership = EtcdLeaderships.connect(EtcdSettings.of(endpoint, election,
                     LeaseSettings.ofTtl(Duration.ofSeconds(30))), new Candidate("bench", "bench", 0, Instant.now()),
                     clock)) {
            Term term = leadership.campaign().elected().get(30, TimeUnit.SECONDS);
            WorldViewStore store = WorldViewStore.leadership(leadership.data(), term, "world",
                    WorldViewStore.MAX_CHUNK_BYTES, Duration.ofMinutes(2), clock);
            store.save(view); // warm-up
            store.load();
            for (int round = 1; round <= rounds; round++) {
                long began = System.nanoTime();
                store.save(view);
                double write = (System.nanoTime() - began) / 1e9;
                began = System.nanoTime();
                WorldView loaded = store.load().view().orElseThrow();
                double read = (System.nanoTime() - began) / 1e9;
                began = System.nanoTime();
                try (World restored = TestWorlds.restore(config, ComponentSetRegistry.builtIn(), 2, loaded)) {
                    restored.tick();
                }
                double restore = (System.nanoTime() - began) / 1e9;
                System.out.printf("round %d: write %.0f MB/s (%.2f s), read %.0f MB/s (%.2f s), read + restore "
                        + "%.0f MB/s (%.2f s)%n", round, megabytes / write, write, megabytes / read, read,
                        megabytes / (read + restore), read + restore);
            }
            term.release().get(30, TimeUnit.SECONDS);
        }
    }
}
