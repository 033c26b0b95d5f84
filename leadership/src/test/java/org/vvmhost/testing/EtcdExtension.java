package org.vvmhost.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd server for one test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdExtension etcd = new EtcdExtension();
 * }</pre>
 *
 * <p>With a Docker engine it runs etcd 3.5 in a container (Testcontainers); otherwise the local {@code etcd}
 * binary on free loopback ports. With neither, the class is skipped with one loud message, unless the
 * environment sets {@code VVM_REQUIRE_ETCD=1}, which fails it instead. The server starts before the class,
 * is started again before each test if a test stopped or killed it, and always stops after the class. An
 * {@link EtcdConfig} adds flags (a space quota) or TLS; with TLS the local binary runs, and {@link #admin()} does not.
 */
public final class EtcdExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    public static final String REQUIRE_ENV = "VVM_REQUIRE_ETCD";

    private static final Logger LOG = LoggerFactory.getLogger(EtcdExtension.class);
    private static final AtomicBoolean SKIP_ANNOUNCED = new AtomicBoolean();

    private final EtcdConfig config;
    private EtcdServer server;
    private Client admin;

    public EtcdExtension() {
        this(EtcdConfig.defaults());
    }

    public EtcdExtension(EtcdConfig config) {
        this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = chooseServer(config);
        LOG.info("etcd for {}: {}", context.getDisplayName(), server.description());
        server.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!server.isRunning()) {
            server.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (admin != null) {
                admin.close();
                admin = null;
            }
        } finally {
            if (server != null) {
                server.close();
                server = null;
            }
        }
    }

    public URI endpoint() {
        return server().endpoint();
    }

    /** Stops etcd gracefully, keeping its data and ports. */
    public void stop() {
        server().stop();
    }

    /** Kills etcd with SIGKILL, keeping its data and ports. */
    public void kill() {
        server().kill();
    }

    /** Starts etcd again on the same data and ports, stopping it first if it runs. */
    public void restart() {
        server().stop();
        server().start();
    }

    /** Starts etcd again after {@link #stop()} or {@link #kill()}. */
    public void start() {
        server().start();
    }

    /**
     * Kills etcd, removes its data and starts it again on the same ports: an empty etcd with the same cluster id,
     * whose revisions start over. The admin client reconnects on its own.
     */
    public void wipe() {
        server().wipe();
    }

    /** Freezes etcd (SIGSTOP): connections stay open and nothing answers, as behind a network partition. */
    public void pause() {
        server().pause();
    }

    /** Lets a paused etcd run on. */
    public void resume() {
        server().resume();
    }

    /** Like {@code etcdctl alarm list}: the alarms raised, such as {@code NOSPACE}. */
    public List<String> alarms() {
        return call(admin().getMaintenanceClient().listAlarms()).getAlarms().stream()
                .map(alarm -> alarm.getAlarmType().name()).toList();
    }

    /**
     * What an operator does about a NOSPACE alarm: compacts the history to the current revision, defragments, and
     * disarms every alarm ({@code etcdctl compact}, {@code defrag}, {@code alarm disarm}).
     */
    public void reclaimSpace() {
        long current = call(admin().getKVClient().get(bytes("/"))).getHeader().getRevision();
        try {
            call(admin().getKVClient().compact(current));
        } catch (IllegalStateException e) {
            if (!String.valueOf(e.getMessage()).contains("compacted")) {
                throw e;
            }
        }
        call(admin().getMaintenanceClient().defragmentMember(endpoint().getAuthority()));
        for (io.etcd.jetcd.maintenance.AlarmMember alarm : call(admin().getMaintenanceClient().listAlarms())
                .getAlarms()) {
            call(admin().getMaintenanceClient().alarmDisarm(alarm));
        }
    }

    /** A client for what {@code etcdctl} would do, over http; closed after the class. */
    public synchronized Client admin() {
        if (admin == null) {
            admin = Client.builder().endpoints(endpoint()).build();
        }
        return admin;
    }

    /** Like {@code etcdctl lease revoke}. */
    public void revokeLease(long leaseId) {
        call(admin().getLeaseClient().revoke(leaseId));
    }

    /** Like {@code etcdctl put}. */
    public void put(String key, String value) {
        call(admin().getKVClient().put(bytes(key), bytes(value)));
    }

    /** Like {@code etcdctl del}. Returns how many keys were deleted. */
    public long delete(String key) {
        return call(admin().getKVClient().delete(bytes(key), DeleteOption.DEFAULT)).getDeleted();
    }

    /** Like {@code etcdctl del --prefix}. Returns how many keys were deleted. */
    public long deletePrefix(String prefix) {
        return call(admin().getKVClient().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()))
                .getDeleted();
    }

    /** Like {@code etcdctl get --prefix}, in key order. */
    public List<KeyValue> getPrefix(String prefix) {
        return call(admin().getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs();
    }

    public Optional<KeyValue> get(String key) {
        List<KeyValue> kvs = call(admin().getKVClient().get(bytes(key))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }

    /** The last lines of the server's log. */
    public String logTail() {
        return server().logTail();
    }

    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private <T> T call(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(TestTiming.current().eventBudget().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to etcd", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("etcd admin call failed: " + e, e);
        }
    }

    private EtcdServer server() {
        if (server == null) {
            throw new IllegalStateException("the etcd extension is not active; register it as a static field");
        }
        return server;
    }

    private static EtcdServer chooseServer(EtcdConfig config) {
        if (config.tls().isEmpty() && ContainerEtcdServer.dockerAvailable()) {
            return new ContainerEtcdServer(config);
        }
        return LocalEtcdServer.single(requireBinary(), config);
    }

    /**
     * The local {@code etcd} binary. Without it (and without a Docker engine, which the caller tried first) the class
     * is skipped with one loud message, or fails under {@code VVM_REQUIRE_ETCD=1}.
     */
    static Path requireBinary() {
        Optional<Path> binary = LocalEtcdServer.findBinary();
        if (binary.isPresent()) {
            return binary.get();
        }
        String message = "NO ETCD: neither a Docker engine nor an 'etcd' binary on the PATH; the etcd tests cannot"
                + " run. Install one (Debian: apt-get install etcd-server)";
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            throw new IllegalStateException(message + ". " + REQUIRE_ENV + "=1 makes this a failure.");
        }
        message += ", or set " + REQUIRE_ENV + "=1 to make this a failure.";
        if (SKIP_ANNOUNCED.compareAndSet(false, true)) {
            LOG.warn("\n{}\n{}\n{}", "*".repeat(100), "SKIPPING ETCD TESTS. " + message, "*".repeat(100));
        }
        throw new TestAbortedException(message);
    }
}
