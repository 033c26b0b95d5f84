package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.leadership.Registration;
import org.vvmhost.leadership.RegistrationConflictException;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.time.Clock;

/** The entry point to leadership on etcd. */
public final class EtcdLeaderships {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How long {@link #status(EtcdSettings)} waits for etcd's answer. */
    public static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

    private EtcdLeaderships() {
    }

    /**
     * A leadership for {@code candidate} in the settings' election. Connects lazily: an unreachable etcd shows up
     * in the campaign, which retries.
     *
     * @throws IllegalArgumentException     if a TLS file cannot be read
     * @throws LeadershipAccessException    if the TLS material is not usable
     */
    public static Leadership connect(EtcdSettings settings, Candidate candidate, Clock clock) {
        return connect(settings, candidate, clock, LeaseObserver.NONE);
    }

    /** Like {@link #connect(EtcdSettings, Candidate, Clock)}, telling {@code observer} how each keepalive went. */
    public static Leadership connect(EtcdSettings settings, Candidate candidate, Clock clock, LeaseObserver observer) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(observer, "observer");
        return new EtcdLeadership(client(settings), settings, candidate, clock, observer);
    }

    /**
     * Registers {@code key} in the election's data on a lease of its own (the settings' TTL and renew deadline), kept
     * alive until revoked or closed. Returns once etcd holds the key; each call is bounded by the TTL.
     *
     * @throws RegistrationConflictException if the key is held already, by another process's lease
     * @throws org.vvmhost.leadership.LeadershipUnavailableException if etcd cannot be reached
     * @throws LeadershipAccessException if etcd refuses us
     */
    public static Registration register(EtcdSettings settings, String key, byte[] value, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(clock, "clock");
        WriteOp.refuseReserved(List.of(WriteOp.put(key, value)));
        return EtcdRegistration.open(settings, key, value, clock);
    }

    /**
     * Reads who leads the election and who waits. Read-only.
     *
     * @throws org.vvmhost.leadership.LeadershipUnavailableException if etcd cannot be reached
     * @throws LeadershipAccessException if etcd refuses us
     */
    public static ElectionStatus status(EtcdSettings settings) {
        return status(settings, STATUS_TIMEOUT);
    }

    /**
     * Like {@link #status(EtcdSettings)}, waiting at most {@code timeout} for etcd's answer.
     *
     * @throws org.vvmhost.leadership.LeadershipUnavailableException if etcd cannot be reached within the timeout
     * @throws LeadershipAccessException if etcd refuses us
     */
    public static ElectionStatus status(EtcdSettings settings, Duration timeout) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(timeout, "timeout");
        try (Client client = client(settings)) {
            return status(client, settings, timeout);
        }
    }

    /**
     * Like {@link #status(EtcdSettings, Duration)}, through {@code client} (see {@link #client}), for a tool that
     * reads the election often.
     */
    public static ElectionStatus status(Client client, EtcdSettings settings, Duration timeout) {
        ElectionLayout layout = new ElectionLayout(settings.election());
        try {
            GetOption byAge = GetOption.builder()
                    .isPrefix(true)
                    .withSortField(GetOption.SortTarget.CREATE)
                    .withSortOrder(GetOption.SortOrder.ASCEND)
                    .build();
            GetResponse reply = client.getKVClient()
                    .get(ElectionLayout.bytes(layout.candidatePrefix()), byAge)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<ElectionStatus.Entry> entries = new ArrayList<>();
            for (KeyValue kv : reply.getKvs()) {
                entries.add(entry(kv));
            }
            Optional<ElectionStatus.Entry> leader = entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
            List<ElectionStatus.Entry> waiting = entries.isEmpty() ? List.of() : entries.subList(1, entries.size());
            return new ElectionStatus(settings.election(), leader, waiting);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeadershipException("interrupted while reading the election " + settings.election(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw TlsProbe.explain(EtcdErrors.translate("read the election " + settings.election() + " from "
                    + settings.endpoints(), e), settings.endpoints(), settings.tls().flatMap(EtcdSettings.Tls::caFile));
        }
    }

    private static ElectionStatus.Entry entry(KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        Optional<CandidateValue> value = CandidateValue.parse(kv.getValue().getBytes());
        if (value.isEmpty()) {
            return new ElectionStatus.Entry(key, kv.getValue().toString(StandardCharsets.UTF_8), "", 0,
                    Optional.empty(), Optional.empty(), kv.getCreateRevision(), OptionalLong.empty());
        }
        CandidateValue v = value.get();
        return new ElectionStatus.Entry(key, v.id(), v.host() == null ? "" : v.host(), v.pid(),
                CandidateValue.instant(v.startedAt()), CandidateValue.instant(v.leaderSince()),
                kv.getCreateRevision(), v.epoch() == null ? OptionalLong.empty() : OptionalLong.of(v.epoch()),
                v.advertiseUrl() == null ? "" : v.advertiseUrl());
    }

    /**
     * One jetcd client. Calls fail fast instead of waiting for a connection, and jetcd retries only briefly:
     * the campaign and the lease keeper own retrying, with their own backoff and log lines. Calls are balanced
     * round robin over the endpoints, skipping a member that cannot be reached, so a retry after a member died goes
     * to another one. Public for tools that read etcd directly with the replicas' settings (the drill's audit);
     * the caller closes it.
     */
    public static Client client(EtcdSettings settings) {
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(java.net.URI[]::new))
                .loadBalancerPolicy("round_robin")
                .connectTimeout(CONNECT_TIMEOUT)
                .waitForReady(false)
                .retryMaxAttempts(1)
                .retryDelay(100)
                .retryMaxDelay(200);
        settings.credentials().ifPresent(credentials -> builder
                .user(ByteSequence.from(credentials.user(), StandardCharsets.UTF_8))
                .password(ByteSequence.from(credentials.password(), StandardCharsets.UTF_8)));
        // jetcd speaks plaintext to an https:// endpoint unless it has a TLS context: give https endpoints one always,
        // trusting the JVM's store unless a CA file is given.
        if (settings.endpoints().stream().anyMatch(endpoint -> "https".equals(endpoint.getScheme()))) {
            EtcdSettings.Tls tls = settings.tls().orElse(new EtcdSettings.Tls(Optional.empty(), Optional.empty(),
                    Optional.empty()));
            tls.checkReadable();
            try {
                builder.sslContext(ssl -> {
                    tls.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                    if (tls.certFile().isPresent()) {
                        ssl.keyManager(tls.certFile().get().toFile(), tls.keyFile().orElseThrow().toFile());
                    }
                });
            } catch (SSLException | IllegalArgumentException e) {
                throw new LeadershipAccessException("etcd TLS: the CA file, client certificate or key is not usable ("
                        + e.getMessage() + ")", e);
            }
        }
        return builder.build();
    }
}
