package org.vvmhost.services.world.local;

import java.util.ArrayList;
import java.util.List;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.core.AuthorityTable;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.Simulator;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.core.WorldState;
import org.vvmhost.services.world.view.WorldViewCodec;

/**
 * Worlds whose simulators run in-thread: {@code simulators} of each set from the config, area {@code a} held by
 * simulator {@code a % simulators}, all stepped on the world's own pool. For benchmarks, tests and small worlds.
 */
public final class LocalWorlds {

    private LocalWorlds() {
    }

    /** @param threads how many threads run simulators in parallel; 1 runs them on the calling thread */
    public static WorldFactory factory(ComponentSetRegistry sets, int threads) {
        WorldRuntime.requireThreads(threads);
        return new WorldFactory() {
            @Override
            public World create(WorldConfig config) {
                WorldCore core = WorldCore.of(config, sets);
                return assemble(core, core.spawn(), threads);
            }

            @Override
            public World restore(WorldConfig config, WorldView view) {
                WorldCore core = WorldCore.of(config, sets);
                return assemble(core, WorldViewCodec.decode(core, view), threads);
            }
        };
    }

    static LocalWorld assemble(WorldCore core, WorldState state, int threads) {
        AuthorityTable authority = new AuthorityTable();
        return new LocalWorld(core, authority, simulators(core, state, authority), threads, state);
    }

    /** The simulators of each set, holding {@code state}'s partitions round robin under grants of {@code authority}. */
    static List<List<Simulator>> simulators(WorldCore core, WorldState state, AuthorityTable authority) {
        List<List<Simulator>> simulators = new ArrayList<>();
        for (int s = 0; s < core.sets().size(); s++) {
            int count = core.simulators(s);
            List<Simulator> ofSet = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                ofSet.add(new Simulator(core.sets().get(s).name() + "-" + k, core.sets().get(s), s, authority));
            }
            simulators.add(ofSet);
        }
        assign(simulators, state, authority);
        return simulators;
    }

    /** Hands {@code state}'s partitions to {@code simulators} round robin, under fresh grants of {@code authority}. */
    static void assign(List<List<Simulator>> simulators, WorldState state, AuthorityTable authority) {
        for (int s = 0; s < simulators.size(); s++) {
            List<Simulator> ofSet = simulators.get(s);
            Partition[] partitions = state.partitions()[s];
            for (int area = 0; area < partitions.length; area++) {
                Simulator owner = ofSet.get(area % ofSet.size());
                owner.assume(authority.issue(owner.set().name(), area, owner.id()), partitions[area]);
            }
        }
    }
}
