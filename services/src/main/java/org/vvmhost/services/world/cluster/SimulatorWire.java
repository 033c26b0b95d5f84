package org.vvmhost.services.world.cluster;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Ran;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Replica;
import org.vvmhost.services.world.cluster.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Sync;
import org.vvmhost.services.world.core.AreaCommand;
import org.vvmhost.services.world.core.AreaDelta;

/**
 * The simulator protocol on gRPC: one unary method per {@link SimulatorRequest} type, named after it, whose reply
 * is the type the request names; plus the session's own methods ({@link #OPEN}, {@link #STOP}). Messages are the
 * protocol's records in CBOR (Jackson, fields only; the sealed {@link AreaCommand} carries an explicit type id).
 * The method is the type id of a request, so nothing on the wire names a Java class.
 */
final class SimulatorWire {

    static final String SERVICE = "vvmhost.world.Simulator";
    /** Large areas travel whole (a follow, a copy, a hand-over); the limit only guards against garbage. */
    static final int MAX_MESSAGE_BYTES = 1 << 30;

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorWire.class);

    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory())
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(AreaCommand.class, AreaCommandTypes.class);
    private static final TypeFactory TYPES = CBOR.getTypeFactory();

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = AreaCommand.Add.class, name = "add"),
            @JsonSubTypes.Type(value = AreaCommand.Remove.class, name = "remove"),
            @JsonSubTypes.Type(value = AreaCommand.Act.class, name = "act")})
    private interface AreaCommandTypes {
    }

    private SimulatorWire() {
    }

    /**
     * Starts a simulator of component set {@code set} of the world of {@code config}; {@code name} is its container's
     * on the coordinator. The call stays open for the simulator's life: the first message says the session opened,
     * a later one may say the server is draining ({@link SessionEvent}), and the session ends when either side ends
     * the call.
     */
    record Open(String name, String set, WorldConfig config) {
    }

    /**
     * A message on a session's open call: first that {@code session} opened ({@code draining} null); later, maybe,
     * that its server is draining ({@code draining} says why): the coordinator should then stop the simulator
     * gracefully, so that it hands its areas over, and open no new session there. A null field is left out, so the
     * first message reads as it always did, and a coordinator that predates draining ends the session on the second
     * (an unknown field), as on a crash.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SessionEvent(String session, String draining) {

        static SessionEvent opened(String session) {
            return new SessionEvent(session, null);
        }
    }

    /** A protocol request to the simulator of {@code session}. */
    record Call<Q>(String session, Q request) {
    }

    /** Stops the simulator of {@code session} gracefully: it releases its active areas, which the reply carries. */
    record Stop(String session) {
    }

    record Stopped(List<AreaState> states) {
    }

    static final MethodDescriptor<Open, SessionEvent> OPEN = method(MethodDescriptor.MethodType.SERVER_STREAMING,
            "Open", TYPES.constructType(Open.class), TYPES.constructType(SessionEvent.class));
    static final MethodDescriptor<Stop, Stopped> STOP = method(MethodDescriptor.MethodType.UNARY, "Stop",
            TYPES.constructType(Stop.class), TYPES.constructType(Stopped.class));

    /** The method of each request type, for every type the sealed protocol permits. */
    static final Map<Class<?>, MethodDescriptor<Call<?>, Object>> CALLS = calls();

    private static Map<Class<?>, MethodDescriptor<Call<?>, Object>> calls() {
        Map<Class<?>, MethodDescriptor<Call<?>, Object>> calls = new LinkedHashMap<>();
        for (Class<?> type : SimulatorRequest.class.getPermittedSubclasses()) {
            calls.put(type, method(MethodDescriptor.MethodType.UNARY, type.getSimpleName(),
                    TYPES.constructParametricType(Call.class, type), TYPES.constructType(replyType(type))));
        }
        return Map.copyOf(calls);
    }

    /** {@code R} of {@code type implements SimulatorRequest<R>}. */
    private static Type replyType(Class<?> type) {
        for (Type implemented : type.getGenericInterfaces()) {
            if (implemented instanceof ParameterizedType parameterized
                    && parameterized.getRawType() == SimulatorRequest.class) {
                return parameterized.getActualTypeArguments()[0];
            }
        }
        throw new IllegalStateException(type + " does not name its reply type");
    }

    @SuppressWarnings("unchecked")
    static <Q extends SimulatorRequest<R>, R> MethodDescriptor<Call<Q>, R> call(Q request) {
        MethodDescriptor<?, ?> method = CALLS.get(request.getClass());
        return (MethodDescriptor<Call<Q>, R>) method;
    }

    private static <Q, R> MethodDescriptor<Q, R> method(MethodDescriptor.MethodType type, String name,
                                                        JavaType request, JavaType reply) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(marshaller(request))
                .setResponseMarshaller(marshaller(reply))
                .build();
    }

    private static <T> MethodDescriptor.Marshaller<T> marshaller(JavaType type) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                return new ByteArrayInputStream(encode(forWire(value)));
            }

            @Override
            public T parse(InputStream stream) {
                try {
                    return CBOR.readValue(stream, type);
                } catch (IOException e) {
                    throw Status.INTERNAL.withDescription("cannot read a " + type.getRawClass().getSimpleName()
                            + ": " + e.getMessage()).withCause(e).asRuntimeException();
                }
            }
        };
    }

    /**
     * {@code value} as it leaves the process: a delta's dense columns lent by its active are cut to the area's size
     * (see {@link AreaDelta}), so the wire carries no more than the values.
     */
    private static Object forWire(Object value) {
        if (value instanceof Ran ran) {
            return ran.cutToSize();
        }
        if (value instanceof Call<?> call && call.request() instanceof Sync sync) {
            return new Call<>(call.session(), new Sync(Replica.cutToSize(sync.replicas())));
        }
        return value;
    }

    private static byte[] encode(Object value) {
        try {
            return CBOR.writeValueAsBytes(value);
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot write a " + value.getClass().getSimpleName() + ": "
                    + e.getMessage()).withCause(e).asRuntimeException();
        }
    }

    /** Network threads of our own, named {@code name-N-M}, so that closing can stop them and wait. */
    static EventLoopGroup eventLoops(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), NioIoHandler.newFactory());
    }

    /** Stops {@code group}'s threads and waits for them, up to about {@code timeout}. */
    static void shutdown(EventLoopGroup group, Duration timeout) {
        if (group != null && !group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(2 * timeout.toMillis())) {
            LOG.warn("Network threads of the simulator transport did not stop within {}", timeout);
        }
    }
}
