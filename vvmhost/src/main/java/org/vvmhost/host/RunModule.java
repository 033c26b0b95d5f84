package org.vvmhost.host;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.micrometer.core.instrument.Gauge;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.time.Clock;
import org.vvmhost.time.SystemClock;
import org.vvmhost.vvm.Service;
import org.vvmhost.vvm.Terminator;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.Vvms;

/** The VVM and what it runs on: the clock, the leadership, the killer's terminator. */
@Module
abstract class RunModule {

    private static final Logger log = LoggerFactory.getLogger(RunModule.class);

    private RunModule() {
    }

    @Binds
    abstract Clock clock(SystemClock clock);

    @Provides
    @RunScope
    static SystemClock systemClock() {
        return SystemClock.create("vvm-clock");
    }

    /** Built once the HTTP API listens, so that it advertises the port actually bound. */
    @Provides
    static Candidate candidate(RunSettings settings, Clock clock, HttpApi api) {
        return new Candidate(settings.instanceId(), settings.host(), ProcessHandle.current().pid(), clock.instant(),
                api.advertiseUrl().toString());
    }

    @Provides
    @RunScope
    static HostMetrics metrics() {
        return new HostMetrics();
    }

    @Provides
    @RunScope
    static ReplicaStatus status(RunSettings settings, Clock clock, HostMetrics metrics) {
        return new ReplicaStatus(clock, settings.instanceId(), metrics.registry());
    }

    @Provides
    @RunScope
    static HttpApi httpApi(RunSettings settings, ReplicaStatus status, HostMetrics metrics, Clock clock) {
        ElectionReader election = new ElectionReader(settings.etcd(), settings.election(), clock);
        ApiRoutes routes = new ApiRoutes(status, election, metrics.registry(), clock, settings.host());
        Gauge.builder("vvmhost.ready", routes, r -> r.probes().ready().ok() ? 1 : 0)
                .description("1 while /readyz answers 200: the leader with healthy backups, or a ready standby")
                .register(metrics.registry());
        WorldRoutes world = new WorldRoutes(status, election, clock);
        List<HttpApi.Route> all = new ArrayList<>(routes.routes());
        all.addAll(world.routes());
        all.addAll(InspectorRoutes.load().routes());
        HttpApi api = new HttpApi(settings.http(), settings.host(), all, metrics.registry());
        api.closeWithServer(world);
        return api;
    }

    /**
     * etcd when endpoints are configured, else the embedded default.
     *
     * @throws org.vvmhost.leadership.LeadershipAccessException if the TLS material is not usable
     */
    @Provides
    @RunScope
    static Leadership leadership(RunSettings settings, Clock clock, Candidate candidate) {
        if (settings.etcd().isPresent()) {
            EtcdSettings etcd = settings.etcd().get();
            log.info("leadership on etcd {}, election '{}'{}{}", etcd.endpoints(), etcd.election(),
                    etcd.tls().isPresent() ? ", TLS" : "",
                    etcd.credentials().map(c -> ", as etcd user " + c.user()).orElse(""));
            return EtcdLeaderships.connect(etcd, candidate, clock);
        }
        log.warn("no etcd endpoints configured (--etcd-endpoints, VVM_ETCD_ENDPOINTS): this process leads through "
                + "an in-memory election of its own, and its state is not shared with any other replica");
        return InMemoryElection.create(clock, settings.lease()).join(candidate);
    }

    @Provides
    static Terminator terminator() {
        return Terminator.runtimeHalt(ExitCode.LEADERSHIP_LOST.code());
    }

    @Provides
    @RunScope
    static Vvm vvm(RunSettings settings, Leadership leadership, List<Service> services, Clock clock,
                   Terminator terminator, ReplicaStatus status) {
        // The VVM logs its lifecycle itself; the listener keeps the replica's state for the HTTP API.
        return Vvms.provide(settings.vvm(), leadership, services, clock, terminator, status);
    }
}
