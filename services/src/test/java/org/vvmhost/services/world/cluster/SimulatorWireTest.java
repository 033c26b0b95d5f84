package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.grpc.MethodDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Ack;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Adopt;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Copy;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Follow;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Inspect;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Measure;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Measured;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Ran;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Release;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Replica;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Reset;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Run;
import org.vvmhost.services.world.cluster.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Step;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Sync;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Synced;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Unfollow;
import org.vvmhost.services.world.cluster.SimulatorWire.Call;
import org.vvmhost.services.world.cluster.SimulatorWire.Open;
import org.vvmhost.services.world.cluster.SimulatorWire.SessionEvent;
import org.vvmhost.services.world.cluster.SimulatorWire.Stop;
import org.vvmhost.services.world.cluster.SimulatorWire.Stopped;
import org.vvmhost.services.world.core.AreaCommand;
import org.vvmhost.services.world.core.AreaDelta;
import org.vvmhost.services.world.core.AreaSnapshot;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.services.world.core.BoundaryPlan;
import org.vvmhost.services.world.core.EntityRows;
import org.vvmhost.services.world.core.TickEvents;
import org.vvmhost.services.world.core.Transfer;

/** Every request and reply of the simulator protocol survives the wire with all its content, arrays included. */
class SimulatorWireTest {

    private static final AreaSnapshot SNAPSHOT = new AreaSnapshot("physics", 3, 41, 7, new byte[] {1, -2, 3, 127});
    private static final AreaDelta DELTA = new AreaDelta("physics", 3, 40, 41, 7, new long[] {12, ~2L}, 2,
            new AreaDelta.FloatChanges[] {new AreaDelta.FloatChanges(null, new float[] {1.5f, Float.NaN}),
                    new AreaDelta.FloatChanges(new int[] {1}, new float[] {-0.25f})},
            new AreaDelta.IntChanges[] {new AreaDelta.IntChanges(new int[] {0}, new int[] {-9})}, true, -77L);
    private static final BoundaryPlan PLAN = new BoundaryPlan(new long[] {5}, new int[] {1}, new long[] {6, 8},
            new int[] {1, 2}, new int[] {2, 3}, new long[] {100}, new float[] {3.5f}, new float[] {9.25f},
            new int[] {0});
    private static final Transfer TRANSFER = new Transfer(1, 2, 1, 2, 1, new long[] {6, 0}, new float[] {1, 2, 0, 0},
            new int[] {4, 0});

    private static List<SimulatorRequest<?>> requests() {
        List<List<AreaCommand>> commands = List.of(
                List.of(new AreaCommand.Add(100, 1.5f, 2.5f, Map.of("vx", 0.5)), new AreaCommand.Remove(9)),
                List.of(new AreaCommand.Act(new WorldCommand.OnEntity("damage", 7, Map.of("amount", 2.0)))));
        return List.of(
                new Run(41, Step.SIMULATE, new int[] {0, 3}, new long[] {7, 8}, commands, null, List.of(), new int[0]),
                new Run(41, Step.ATTACH, new int[] {3}, new long[] {7}, List.of(), PLAN, List.of(TRANSFER),
                        new int[] {3}),
                new Follow(new AreaState(3, 125, SNAPSHOT)),
                new Sync(List.of(new Replica(3, 125, SNAPSHOT, null), new Replica(4, 125, null, DELTA))),
                new Unfollow(3),
                new Adopt(new AuthorityGrant("physics", 3, "world-physics-abc", 9)),
                new Release(3),
                new Copy(new int[] {0, 3}),
                new Measure(new int[] {0, 3}),
                new Inspect(new int[] {0}, new long[] {1, 2}, 10),
                new Inspect(new int[] {0}, null, 10),
                new Reset());
    }

    /** A reply of each request type, some twice (a reply full of data, and one mostly empty). */
    private static List<Map.Entry<Class<?>, Object>> replies() {
        return List.of(
                Map.entry(Run.class, new Ran(new TickEvents(1, new long[] {6}, new int[] {1}, new int[] {2},
                        new long[] {5}, new int[] {1}), List.of(TRANSFER), new int[] {3}, new int[] {40},
                        List.of(new Replica(4, 125, null, DELTA)), new int[] {2}, 1)),
                Map.entry(Run.class, new Ran(null, List.of(), new int[0], new int[0], List.of(), new int[0], 0)),
                Map.entry(Follow.class, Ack.OK),
                Map.entry(Sync.class, new Synced(new int[] {4})),
                Map.entry(Unfollow.class, Ack.OK),
                Map.entry(Adopt.class, true),
                Map.entry(Adopt.class, false),
                Map.entry(Release.class, new AreaState(3, 125, SNAPSHOT)),
                Map.entry(Copy.class, List.of(new AreaState(3, 125, SNAPSHOT), new AreaState(0, 125, SNAPSHOT))),
                Map.entry(Measure.class, new Measured(new int[] {0, 3}, new long[] {40, 41},
                        new long[] {Long.MIN_VALUE, -1})),
                Map.entry(Inspect.class, new EntityRows(new long[] {1, 2}, new int[] {0, 0}, new float[] {1, 2, 3, 4},
                        new int[] {5, 6}, 2, 1)),
                Map.entry(Reset.class, Ack.OK));
    }

    @Test
    void everyRequestTypeHasItsOwnMethodNamedAfterIt() {
        assertThat(SimulatorWire.CALLS.keySet())
                .containsExactlyInAnyOrder(SimulatorRequest.class.getPermittedSubclasses());
        assertThat(requests().stream().map(Object::getClass).distinct())
                .as("the requests below cover every type").hasSize(SimulatorWire.CALLS.size());
        assertThat(replies().stream().map(Map.Entry::getKey).distinct())
                .as("the replies below cover every type").hasSize(SimulatorWire.CALLS.size());
        Stream<String> names = Stream.concat(SimulatorWire.CALLS.values().stream(),
                Stream.of(SimulatorWire.OPEN, SimulatorWire.STOP)).map(MethodDescriptor::getBareMethodName);
        assertThat(names).doesNotHaveDuplicates().contains("Run", "Sync", "Open", "Stop");
    }

    @Test
    void requestsCrossTheWireWithAllTheirContent() {
        for (SimulatorRequest<?> request : requests()) {
            Call<SimulatorRequest<?>> call = new Call<>("world-physics-abc-1", request);
            Call<?> back = roundTrip(methodOf(request).getRequestMarshaller(), call);
            assertThat(back.request()).isInstanceOf(request.getClass());
            assertSameContent(back, call);
        }
    }

    @Test
    void repliesCrossTheWireWithAllTheirContent() {
        for (Map.Entry<Class<?>, Object> reply : replies()) {
            MethodDescriptor<Call<?>, Object> method = SimulatorWire.CALLS.get(reply.getKey());
            Object back = roundTrip(method.getResponseMarshaller(), reply.getValue());
            assertThat(back).as(method.getBareMethodName()).isInstanceOf(reply.getValue().getClass() == Boolean.class
                    ? Boolean.class : reply.getValue() instanceof List ? List.class : reply.getValue().getClass());
            assertSameContent(back, reply.getValue());
        }
    }

    @Test
    void aDeltaLentByItsActiveCrossesTheWireCutToTheAreasSize() {
        // An active lends its dense columns, longer than the area (see AreaDelta): only the first size values go.
        AreaDelta lent = new AreaDelta("physics", 3, 40, 41, 7, new long[0], 2,
                new AreaDelta.FloatChanges[] {new AreaDelta.FloatChanges(null, new float[] {1.5f, 2.5f, 9, 9}),
                        new AreaDelta.FloatChanges(new int[] {1}, new float[] {-0.25f})},
                new AreaDelta.IntChanges[] {new AreaDelta.IntChanges(null, new int[] {4, 5, 9})}, false, 0);
        Ran ran = new Ran(null, List.of(), new int[0], new int[0], List.of(new Replica(3, 125, null, lent)),
                new int[0], 0);
        Sync sync = new Sync(List.of(new Replica(3, 125, null, lent)));

        Ran ranBack = (Ran) roundTrip(SimulatorWire.CALLS.get(Run.class).getResponseMarshaller(), ran);
        Call<?> syncBack = roundTrip(methodOf(sync).getRequestMarshaller(), new Call<>("world-physics-abc-1", sync));

        for (AreaDelta back : List.of(ranBack.replicas().get(0).delta(),
                ((Sync) syncBack.request()).replicas().get(0).delta())) {
            assertThat(back.floats()[0].values()).containsExactly(1.5f, 2.5f);
            assertThat(back.floats()[1].rows()).containsExactly(1);
            assertThat(back.floats()[1].values()).containsExactly(-0.25f);
            assertThat(back.ints()[0].values()).containsExactly(4, 5);
        }
        assertThat(lent.floats()[0].values()).as("the active's own column").hasSize(4);
    }

    @Test
    void theSessionsMessagesCrossTheWire() {
        WorldConfig defaults = WorldConfig.defaults();
        WorldConfig config = new WorldConfig(defaults.size(), new WorldConfig.Areas(3, 5), 1200, -7,
                WorldConfig.TickRate.MAX, defaults.componentSets(), 2, 50);
        Open open = new Open("world-physics-abc", "physics", config);
        assertThat(roundTrip(SimulatorWire.OPEN.getRequestMarshaller(), open)).isEqualTo(open);
        assertThat(roundTrip(SimulatorWire.OPEN.getResponseMarshaller(), SessionEvent.opened("s-1")))
                .isEqualTo(SessionEvent.opened("s-1"));
        SessionEvent draining = new SessionEvent("s-1", "the process is stopping (SIGTERM)");
        assertThat(roundTrip(SimulatorWire.OPEN.getResponseMarshaller(), draining)).isEqualTo(draining);
        assertThat(roundTrip(SimulatorWire.STOP.getRequestMarshaller(), new Stop("s-1"))).isEqualTo(new Stop("s-1"));
        Stopped stopped = new Stopped(List.of(new AreaState(3, 125, SNAPSHOT)));
        assertSameContent(roundTrip(SimulatorWire.STOP.getResponseMarshaller(), stopped), stopped);
    }

    @Test
    void theFirstMessageOfASessionReadsAsItDidBeforeDrainingExisted() throws Exception {
        // A coordinator that predates draining reads {session} only, and refuses unknown fields.
        ObjectMapper cbor = new ObjectMapper(new CBORFactory());
        Map<?, ?> opened = cbor.readValue(SimulatorWire.OPEN.getResponseMarshaller().stream(
                SessionEvent.opened("s-1")), Map.class);
        Map<?, ?> draining = cbor.readValue(SimulatorWire.OPEN.getResponseMarshaller().stream(
                new SessionEvent("s-1", "stopping")), Map.class);

        assertThat(opened).isEqualTo(Map.of("session", "s-1"));
        assertThat(draining).isEqualTo(Map.of("session", "s-1", "draining", "stopping"));
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor<Call<SimulatorRequest<?>>, Object> methodOf(SimulatorRequest<?> request) {
        return (MethodDescriptor<Call<SimulatorRequest<?>>, Object>) (MethodDescriptor<?, ?>)
                SimulatorWire.CALLS.get(request.getClass());
    }

    /** Field by field, into arrays; a NaN equals a NaN (as {@link Float#compare} has it). */
    private static void assertSameContent(Object actual, Object expected) {
        assertThat(actual).usingRecursiveComparison().withComparatorForType(Float::compare, Float.class)
                .isEqualTo(expected);
    }

    private static <T> T roundTrip(MethodDescriptor.Marshaller<T> marshaller, T value) {
        return marshaller.parse(marshaller.stream(value));
    }

    @Test
    void arraysAreComparedByContent() {
        // The recursive comparison above must look into arrays, or it would prove nothing about them.
        Measured one = new Measured(new int[] {1}, new long[] {2}, new long[] {3});
        Measured other = new Measured(new int[] {1}, new long[] {2}, new long[] {4});
        assertThat(Arrays.equals(one.hashes(), other.hashes())).isFalse();
        assertThat(one).usingRecursiveComparison().withComparatorForType(Float::compare, Float.class)
                .isNotEqualTo(other);
    }
}
