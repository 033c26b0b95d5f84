package org.vvmhost.services.world.bench;

import dev.dominion.ecs.api.Dominion;
import dev.dominion.ecs.api.Results;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.vvmhost.services.world.WorldRandom;

/**
 * The same Position += Velocity update with the same bounce, in Dominion ECS. Two threads use Dominion's
 * parallel stream (the common fork-join pool plus the caller). Score: passes per second over all entities.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DominionPhysicsBenchmark {

    static final float SIZE = 1000;

    /** Position component. */
    public static final class Position {
        float x;
        float y;

        Position(float x, float y) {
            this.x = x;
            this.y = y;
        }
    }

    /** Velocity component. */
    public static final class Velocity {
        float x;
        float y;

        Velocity(float x, float y) {
            this.x = x;
            this.y = y;
        }
    }

    @Param({"10000", "100000", "1000000"})
    public int entities;

    @Param({"1", "2"})
    public int threads;

    private Dominion dominion;

    @Setup(Level.Trial)
    public void spawn() {
        dominion = Dominion.create("bench");
        for (long id = 0; id < entities; id++) {
            long bits = WorldRandom.mix(42, id, -3L);
            dominion.createEntity(
                    new Position(WorldRandom.unitFloat(WorldRandom.mix(42, id, -1L)) * SIZE,
                            WorldRandom.unitFloat(WorldRandom.mix(42, id, -2L)) * SIZE),
                    new Velocity((WorldRandom.unitFloat(bits) * 2 - 1) * 5, (WorldRandom.unitFloat(bits << 24) * 2 - 1) * 5));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        dominion.close();
    }

    @Benchmark
    public void physicsPass() {
        Results<Results.With2<Position, Velocity>> results = dominion.findEntitiesWith(Position.class, Velocity.class);
        Stream<Results.With2<Position, Velocity>> stream = threads == 1 ? results.stream() : results.parallelStream();
        stream.forEach(result -> {
            Position p = result.comp1();
            Velocity v = result.comp2();
            float nx = p.x + v.x;
            float ny = p.y + v.y;
            if (nx < 0) {
                nx = -nx;
                v.x = -v.x;
            } else if (nx > SIZE) {
                nx = SIZE + SIZE - nx;
                v.x = -v.x;
            }
            if (ny < 0) {
                ny = -ny;
                v.y = -v.y;
            } else if (ny > SIZE) {
                ny = SIZE + SIZE - ny;
                v.y = -v.y;
            }
            p.x = nx;
            p.y = ny;
        });
    }
}
