package org.vvmhost.host;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
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
import org.vvmhost.vvm.VvmListener;
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

    @Provides
    static Candidate candidate(RunSettings settings, Clock clock) {
        return new Candidate(settings.instanceId(), settings.host(), ProcessHandle.current().pid(), clock.instant());
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
        return InMemoryElection.create(settings.election(), clock, settings.lease()).join(candidate);
    }

    @Provides
    static Terminator terminator() {
        return Terminator.runtimeHalt(ExitCode.LEADERSHIP_LOST.code());
    }

    @Provides
    @RunScope
    static Vvm vvm(RunSettings settings, Leadership leadership, List<Service> services, Clock clock,
                   Terminator terminator) {
        // The VVM logs its lifecycle itself, so the host needs no listener.
        return Vvms.provide(settings.vvm(), leadership, services, clock, terminator, VvmListener.NONE);
    }
}
