package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * Leadership on etcd, through one jetcd client. It owns one notifier thread, which completes the futures and
 * calls the data listeners that callers see, and one thread per running campaign.
 */
final class EtcdLeadership implements Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeadership.class);
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    private final Client client;
    private final Candidate candidate;
    private final ExecutorService notifier;
    private final EtcdContext context;
    private final EtcdDataStore data;
    private final List<EtcdTerm> terms = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<EtcdCampaign> campaigns = new CopyOnWriteArrayList<>();
    private EtcdCampaign campaign;
    /** The notifier's one thread: a terminated executor's worker may still be exiting, so close joins it. */
    private volatile Thread notifierThread;

    EtcdLeadership(Client client, EtcdSettings settings, Candidate candidate, Clock clock, LeaseObserver observer) {
        this.client = client;
        this.candidate = candidate;
        this.notifier = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "etcd-events-" + candidate.id());
            thread.setDaemon(true);
            notifierThread = thread;
            return thread;
        });
        String description = "etcd " + settings.endpoints() + " election " + settings.election();
        EtcdIdentity identity = new EtcdIdentity(clock);
        this.context = new EtcdContext(candidate, settings, description, clock, client.getKVClient(),
                client.getLeaseClient(), client.getWatchClient(), notifier, identity,
                new SpaceAlarm(settings.election()), observer, terms::add);
        this.data = new EtcdDataStore(client.getKVClient(), client.getWatchClient(), context.layout(), notifier, clock,
                identity);
    }

    @Override
    public String description() {
        return context.description();
    }

    @Override
    public Candidate candidate() {
        return candidate;
    }

    @Override
    public synchronized Campaign campaign() {
        if (closed.get()) {
            throw new IllegalStateException("this etcd leadership is closed; create a new one to campaign");
        }
        if (campaign != null && !campaign.elected().isDone()) {
            throw new IllegalStateException("a campaign of " + candidate.id() + " is still running; cancel it first");
        }
        campaign = new EtcdCampaign(context);
        campaigns.add(campaign);
        campaign.start();
        return campaign;
    }

    @Override
    public DataStore data() {
        return data;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            // Taking the lock waits out a campaign() in progress; afterwards none can start.
            campaign = null;
        }
        for (EtcdCampaign running : campaigns) {
            if (!running.elected().isDone()) {
                running.cancel();
            }
            awaitQuietly(running);
        }
        for (EtcdTerm term : terms) {
            if (term.status() == Term.Status.LEADING || term.status() == Term.Status.SUSPENDED) {
                LOG.warn("closing {} while {} still leads; release terms before closing", description(), term);
                term.closedUnderneath();
            }
        }
        data.close();
        notifier.shutdown();
        try {
            if (!notifier.awaitTermination(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the notifier of {} did not stop within {} ms; a listener is stuck", description(),
                        CLOSE_BOUND.toMillis());
                notifier.shutdownNow();
            }
            Thread thread = notifierThread;
            if (thread != null) {
                thread.join(CLOSE_BOUND.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    private static void awaitQuietly(EtcdCampaign running) {
        try {
            running.finished().get(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            running.thread().join(CLOSE_BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("campaign thread {} did not finish within {} ms", running.thread().getName(),
                    CLOSE_BOUND.toMillis());
        }
    }

    @Override
    public String toString() {
        return "EtcdLeadership[" + candidate.id() + ", " + description() + "]";
    }
}
