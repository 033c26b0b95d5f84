package org.vvmhost.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.world.service.WorldGateway;
import org.vvmhost.services.world.service.WorldSummary;
import org.vvmhost.time.Clock;

/**
 * {@code GET /world/stream}: server-sent events, one {@code summary} event per summary the tick loop publishes. The
 * loop only hands each summary over (it never waits); one thread, {@code vvm-stream}, encodes it once and writes it to
 * every client. A client whose previous event is still being written when the next one is ready is too slow and is
 * dropped, so no client can hold up the others or the loop. At most {@link #MAX_CLIENTS} clients at once.
 */
final class WorldStream implements AutoCloseable {

    static final int MAX_CLIENTS = 16;
    /** A comment this often keeps idle connections (and proxies) from timing out while no summary comes. */
    private static final Duration KEEPALIVE = Duration.ofSeconds(10);
    /** How often the thread looks whether the world still runs here, when no summary wakes it. */
    private static final Duration CHECK = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(WorldStream.class);

    /** One connected client and whether a write to it is in flight. */
    private static final class Client {
        final HttpApi.EventStream events;
        volatile boolean writing;
        volatile boolean gone;

        Client(HttpApi.EventStream events) {
            this.events = events;
        }
    }

    private final Supplier<Optional<WorldGateway>> worlds;
    private final Clock clock;
    private final AtomicReference<WorldSummary> latest = new AtomicReference<>();
    private final Semaphore wakeups = new Semaphore(0);
    // Guarded by this.
    private final List<Client> clients = new ArrayList<>();
    private WorldGateway subscribed;
    private AutoCloseable subscription;
    private Thread thread;
    private boolean closed;

    WorldStream(Supplier<Optional<WorldGateway>> worlds, Clock clock) {
        this.worlds = worlds;
        this.clock = clock;
    }

    /** Takes {@code events} as a client of {@code world}'s summaries, or refuses (503) when full. */
    synchronized Optional<HttpApi.Reply> open(WorldGateway world, HttpApi.EventStream events) {
        if (closed) {
            return Optional.of(HttpApi.Reply.error(503, "unavailable", "the HTTP API is stopping"));
        }
        if (clients.size() >= MAX_CLIENTS) {
            return Optional.of(HttpApi.Reply.error(503, "unavailable", "already " + MAX_CLIENTS + " streams open: "
                    + "close one, or read GET /world instead").withHeader("Retry-After", "5"));
        }
        if (subscribed != world) {
            closeSubscription();
            subscribed = world;
            subscription = world.subscribe(summary -> {
                latest.set(summary);
                wakeups.release();
            });
            world.summary().ifPresent(latest::set);
        }
        if (thread == null) {
            thread = new Thread(this::run, "vvm-stream");
            thread.start();
        }
        Client client = new Client(events);
        clients.add(client);
        WorldSummary now = latest.get();
        send(client, now == null ? ": connected\n\n" : event(now));
        return Optional.empty();
    }

    private void run() {
        WorldSummary sent = null;
        long lastSent = clock.nanoTime();
        while (true) {
            Clock.Scheduled check = clock.schedule(CHECK, wakeups::release);
            try {
                wakeups.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                check.cancel();
            }
            List<Client> current;
            synchronized (this) {
                if (closed) {
                    return;
                }
                clients.removeIf(client -> client.gone);
                if (worlds.get().filter(world -> world == subscribed).isEmpty() && !clients.isEmpty()) {
                    // The world stopped here (the term ended): the clients reconnect and find the leader.
                    clients.forEach(client -> client.events.close());
                    clients.clear();
                }
                current = List.copyOf(clients);
            }
            WorldSummary summary = latest.get();
            String chunk = null;
            if (summary != null && summary != sent) {
                chunk = event(summary);
                sent = summary;
            } else if (clock.nanoTime() - lastSent > KEEPALIVE.toNanos()) {
                chunk = ": keepalive\n\n";
            }
            if (chunk == null) {
                continue;
            }
            lastSent = clock.nanoTime();
            for (Client client : current) {
                if (client.writing) {
                    log.info("dropping a /world/stream client: it has not read the previous summary yet");
                    client.gone = true;
                    client.events.abort(new TimeoutException("a client too slow for the stream"));
                } else {
                    send(client, chunk);
                }
            }
        }
    }

    private static void send(Client client, String chunk) {
        client.writing = true;
        client.events.send(chunk, failure -> {
            client.writing = false;
            if (failure != null) {
                client.gone = true;
            }
        });
    }

    private static String event(WorldSummary summary) {
        try {
            return "event: summary\nid: " + summary.tick() + "\ndata: " + JSON.writeValueAsString(summary) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a world summary as JSON", e);
        }
    }

    private void closeSubscription() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("closing a summary subscription: {}", e.toString());
            }
            subscription = null;
        }
    }

    /** Ends every client and joins the thread. Idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            closeSubscription();
            clients.forEach(client -> client.events.abort(new IllegalStateException("the HTTP API is stopping")));
            clients.clear();
            running = thread;
        }
        wakeups.release();
        if (running != null) {
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
