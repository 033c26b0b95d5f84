package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.Clock;

/**
 * jetcd's clients, scripted: every call is queued with the future of its reply, and the test answers it, fails it or
 * lets it hang, so that timing runs entirely on a manual clock. It checks what our code does with etcd's answers; what
 * etcd itself does is for the tests against a real etcd.
 */
final class ScriptedEtcd {

    /** One call: which method, and the reply the test completes. */
    record Call(String method, Object[] args, CompletableFuture<Object> reply) {
        void answer(Object value) {
            reply.complete(value);
        }
    }

    private static final long CLUSTER = 0xc1L;
    private static final long MEMBER = 0x11L;

    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

    /** The next call, which must be of {@code method}; waits for it as an event, with the usual budget. */
    Call next(String method) {
        Call call;
        try {
            call = calls.poll(TestTiming.current().eventBudget().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(call).as("a call of " + method).isNotNull();
        assertThat(call.method()).isEqualTo(method);
        return call;
    }

    /** Whether a call is queued right now. */
    boolean idle() {
        return calls.isEmpty();
    }

    EtcdContext context(Clock clock, LeaseSettings lease, String election) {
        EtcdSettings settings = EtcdSettings.of("http://127.0.0.1:2379", election, lease);
        Executor direct = Runnable::run;
        return new EtcdContext(EtcdTestSupport.candidate("a"), settings, "scripted etcd", clock, kv(), lease(),
                watch(), direct, new EtcdIdentity(clock), new SpaceAlarm(election), LeaseObserver.NONE, term -> { });
    }

    Lease lease() {
        return proxy(Lease.class, null);
    }

    KV kv() {
        return proxy(KV.class, null);
    }

    Watch watch() {
        return proxy(Watch.class, null);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, String prefix) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            String name = prefix == null ? method.getName() : prefix + "." + method.getName();
            if (method.getReturnType() == CompletableFuture.class) {
                Call call = new Call(name, args, new CompletableFuture<>());
                calls.add(call);
                return call.reply();
            }
            if (method.getName().equals("txn")) {
                return proxy(io.etcd.jetcd.Txn.class, "txn");
            }
            if (type == io.etcd.jetcd.Txn.class) {
                return self; // If, Then, Else
            }
            if (method.getName().equals("watch")) {
                calls.add(new Call("watch", args, new CompletableFuture<>()));
                return proxy(Watch.Watcher.class, "watcher");
            }
            if (method.getName().equals("close") || method.getReturnType() == void.class) {
                return null;
            }
            throw new UnsupportedOperationException(name);
        });
    }

    static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER).setMemberId(MEMBER).setRevision(revision).build();
    }

    static LeaseGrantResponse granted(long leaseId, long ttlSeconds, long revision) {
        return new LeaseGrantResponse(io.etcd.jetcd.api.LeaseGrantResponse.newBuilder().setID(leaseId)
                .setTTL(ttlSeconds).setHeader(header(revision)).build());
    }

    static LeaseTimeToLiveResponse timeToLive(long leaseId, long ttlSeconds, long revision) {
        return new LeaseTimeToLiveResponse(io.etcd.jetcd.api.LeaseTimeToLiveResponse.newBuilder().setID(leaseId)
                .setTTL(ttlSeconds).setHeader(header(revision)).build());
    }

    /** A transaction's answer; each range is the values of one read it made, in order, empty when absent. */
    @SafeVarargs
    static TxnResponse txn(boolean succeeded, long revision, List<Optional<String>>... ranges) {
        io.etcd.jetcd.api.TxnResponse.Builder reply = io.etcd.jetcd.api.TxnResponse.newBuilder()
                .setSucceeded(succeeded).setHeader(header(revision));
        for (List<Optional<String>> range : ranges) {
            RangeResponse.Builder values = RangeResponse.newBuilder();
            for (Optional<String> value : range) {
                value.ifPresent(text -> values.addKvs(KeyValue.newBuilder()
                        .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                        .setValue(com.google.protobuf.ByteString.copyFromUtf8(text))
                        .setCreateRevision(1).setModRevision(1).build()));
            }
            reply.addResponses(ResponseOp.newBuilder().setResponseRange(values).build());
        }
        return new TxnResponse(reply.build(), ByteSequence.EMPTY);
    }
}
