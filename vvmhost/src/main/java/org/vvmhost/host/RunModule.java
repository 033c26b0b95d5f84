package org.vvmhost.host;

import dagger.Binds;
import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import io.micrometer.core.instrument.Gauge;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.service.Preflight;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Clock;
import org.vvmhost.time.SystemClock;
import org.vvmhost.vvm.Terminator;

/**
 * What every VVM of a run runs on: the clock, the leadership, the killer's terminator, the metrics and the replica's
 * state. Each VVM, with its services, comes from a {@link VvmComponent}.
 */
@Module(subcomponents = VvmComponent.class)
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

    /** The world services' meters: one set for the run, read from the service of the VVM that runs now. */
    @Provides
    @RunScope
    static WorldSimulationService.Meters worldMeters(HostMetrics metrics) {
        return WorldSimulationService.meters(metrics.registry());
    }

    @Provides
    @RunScope
    static ReplicaStatus status(RunSettings settings, Clock clock, HostMetrics metrics) {
        ReplicaStatus status = new ReplicaStatus(clock, settings.instanceId(), metrics.registry());
        metrics.observeCluster(() -> status.observed().map(Observed::cluster));
        return status;
    }

    @Provides
    @RunScope
    static ElectionReader election(RunSettings settings, Clock clock) {
        return new ElectionReader(settings.etcd(), settings.election(), clock);
    }

    /** The read-only routes, {@code POST /switchover}, the world's endpoints and the inspector. */
    @Provides
    @RunScope
    static HttpApi httpApi(RunSettings settings, ReplicaStatus status, HostMetrics metrics, Clock clock,
                           ElectionReader election, Lazy<VvmRunner> runner) {
        ApiRoutes routes = new ApiRoutes(status, election, metrics.registry(), clock, settings.host());
        Gauge.builder("vvmhost.ready", routes, r -> r.probes().ready().ok() ? 1 : 0)
                .description("1 while /readyz answers 200: the leader with healthy backups, or a ready standby")
                .register(metrics.registry());
        Switchover switchover = new Switchover(status, election, new StandbyProbe(settings.http()), runner, clock);
        WorldRoutes world = new WorldRoutes(status, election, clock);
        List<HttpApi.Route> all = new ArrayList<>(routes.routes());
        all.add(HttpApi.Route.post("/switchover", call -> switchover.handle(call.body())));
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
    static Leadership leadership(RunSettings settings, Clock clock, Candidate candidate, HostMetrics metrics) {
        // Registered on the embedded default too, so that every replica exports the same families.
        LeaseMeters keepalives = new LeaseMeters(metrics.registry());
        if (settings.etcd().isPresent()) {
            EtcdSettings etcd = settings.etcd().get();
            log.info("leadership on etcd {}, election '{}'{}{}", etcd.endpoints(), etcd.election(),
                    etcd.tls().isPresent() ? ", TLS" : "",
                    etcd.credentials().map(c -> ", as etcd user " + c.user()).orElse(""));
            return EtcdLeaderships.connect(etcd, candidate, clock, keepalives);
        }
        log.warn("no etcd endpoints configured (--etcd-endpoints, VVM_ETCD_ENDPOINTS): this process leads through "
                + "an in-memory election of its own, and its state is not shared with any other replica");
        return InMemoryElection.create(settings.election(), clock, settings.lease()).join(candidate);
    }

    /**
     * The gate compares the stored world with this replica's config. Where no standby's preloader reads the store (a
     * directory; the embedded default, whose store starts empty with the process), it reads it once per VVM.
     */
    @Provides
    @RunScope
    static CampaignGate campaignGate(RunSettings settings, ComponentSetRegistry sets, ReplicaStatus status,
                                     Clock clock, Leadership leadership) {
        WorldViewLocation location = settings.world().location();
        WorldConfig config = settings.world().service().config();
        CampaignGate.Source direct = location instanceof WorldViewLocation.InDirectory directory
                ? () -> readOnce(WorldViewStore.file(directory.directory()))
                : () -> WorldViewPreloader.StoredWorld.EMPTY;
        CampaignGate.Probe probe = location instanceof WorldViewLocation.InElection election
                ? () -> leadership.data().get(election.manifestKey())
                : () -> CompletableFuture.completedFuture(null);
        return new CampaignGate(header -> Preflight.compare(config, sets, header, location.description(),
                settings.freshWorld()), settings.failOnMismatch(), settings.vvm().acquireTimeout(), direct, probe,
                status, clock);
    }

    private static WorldViewPreloader.StoredWorld readOnce(WorldViewStore store) {
        try {
            WorldViewStore.LoadResult loaded = store.load();
            return new WorldViewPreloader.StoredWorld(true, loaded.view().map(WorldView::header), loaded.damage(),
                    loaded.rejected().stream().map(WorldViewException::getMessage).toList());
        } catch (WorldViewException e) {
            // The new leader's restore meets the same error, and says so.
            log.warn("cannot read the stored world to compare it with this replica's config: {}", e.getMessage());
            return new WorldViewPreloader.StoredWorld(true, Optional.empty(), Optional.empty(),
                    List.of(e.getMessage()));
        }
    }

    @Provides
    static Terminator terminator() {
        return Terminator.runtimeHalt(ExitCode.LEADERSHIP_LOST.code());
    }
}
