package org.vvmhost.host.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * The drill's client: world commands at a steady rate, through {@code POST /world/commands}, to whichever replica
 * leads, as a client of the world's API would send them. It follows a standby's 307 to the leader; when a replica does
 * not answer, or answers 503 or 429, it sends the same request with the same {@code Idempotency-Key} to the next
 * replica, again and again, until one acknowledges it or the drill ends. Every acknowledgement is kept with the time
 * it came, for the audit (each must be in the command journal once, where it says) and for the unavailability a client
 * saw in each round.
 *
 * <p>Threads: {@code drill-client} queues one request every period; {@value #SENDERS} {@code drill-client-N} send
 * them, each blocking until its request is acknowledged. {@link #close} stops the first, lets the others finish what
 * is queued within its bound, and joins them all.
 */
final class CommandLoad implements AutoCloseable {

    /** At most this many requests a second; a higher command rate puts more commands in each. */
    static final int MAX_REQUESTS_PER_SECOND = 50;
    private static final int SENDERS = 8;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One acknowledged request: its key, the commands sent, and the tick and first sequence number the leader's
     * receipt named; {@code sent} is when it was first queued, {@code acked} when the receipt came.
     */
    record Ack(String key, ArrayNode commands, long tick, long seq, boolean duplicate, Instant sent, Instant acked,
            int attempts) {
    }

    /**
     * What the client did: the requests it queued, those acknowledged, those still unacknowledged when the drill ended
     * (neither lost nor applied as far as the client knows), the retries and redirects, and the requests a replica
     * refused outright (a 4xx other than 429), each with its answer.
     */
    record Result(int commandsPerSecond, int commandsPerRequest, long requests, List<Ack> acks, long unacknowledged,
            long retries, long redirects, List<String> refused) {
        Result {
            acks = List.copyOf(acks);
            refused = List.copyOf(refused);
        }

        long ackedCommands() {
            return acks.stream().mapToLong(ack -> ack.commands().size()).sum();
        }
    }

    /** A request queued for the senders. */
    private record Request(String key, ArrayNode commands, String body, Instant sent) {
    }

    private final int commandsPerSecond;
    private final int commandsPerRequest;
    private final long periodNanos;
    private final WorldGeometry geometry;
    private final Supplier<List<URI>> replicas;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong redirects = new AtomicLong();
    private final AtomicLong unacknowledged = new AtomicLong();
    private final Thread scheduler;
    private final List<Thread> senders = new ArrayList<>();
    private volatile boolean stopping;
    /** Once set, senders give up on what they hold: the drill is over. */
    private volatile long giveUpAt = Long.MAX_VALUE;
    /** The replica that acknowledged last: the leader, as far as the client knows. */
    private volatile URI leader;
    private long requests;

    /**
     * @param replicas the base URLs of the replicas' APIs, asked each time a request needs another replica
     */
    CommandLoad(int commandsPerSecond, WorldGeometry geometry, Supplier<List<URI>> replicas, Clock clock) {
        if (commandsPerSecond < 1) {
            throw new IllegalArgumentException("a client load sends at least 1 command a second");
        }
        this.commandsPerSecond = commandsPerSecond;
        this.commandsPerRequest = commandsPerRequest(commandsPerSecond);
        this.periodNanos = (long) (1e9 * commandsPerRequest / commandsPerSecond);
        this.geometry = geometry;
        this.replicas = replicas;
        this.clock = clock;
        this.scheduler = new Thread(this::schedule, "drill-client");
        for (int i = 1; i <= SENDERS; i++) {
            senders.add(new Thread(this::sendQueued, "drill-client-" + i));
        }
    }

    /** Commands in each request: one a request up to {@link #MAX_REQUESTS_PER_SECOND} a second, then more. */
    static int commandsPerRequest(int commandsPerSecond) {
        return (commandsPerSecond + MAX_REQUESTS_PER_SECOND - 1) / MAX_REQUESTS_PER_SECOND;
    }

    void start() {
        senders.forEach(Thread::start);
        scheduler.start();
    }

    private void schedule() {
        long next = clock.nanoTime();
        try {
            while (!stopping) {
                queue.add(request(requests++));
                next += periodNanos;
                long wait = next - clock.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else {
                    next = clock.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Request {@code n}: {@link #commandsPerRequest} spawns spread over the world. */
    private Request request(long n) {
        ArrayNode commands = JSON.createArrayNode();
        for (int i = 0; i < commandsPerRequest; i++) {
            long k = n * commandsPerRequest + i;
            commands.addObject().put("kind", "spawn")
                    .put("x", (k * 37 % 1000) / 1000.0 * geometry.width())
                    .put("y", (k * 53 % 1000) / 1000.0 * geometry.height());
        }
        String body = JSON.createObjectNode().set("commands", commands).toString();
        return new Request("drill-" + n, commands, body, clock.instant());
    }

    private void sendQueued() {
        try {
            while (true) {
                Request request = queue.poll(50, TimeUnit.MILLISECONDS);
                if (request != null) {
                    send(request);
                } else if (stopping) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code request} until acknowledged, refused, or the drill gives up on it. */
    private void send(Request request) throws InterruptedException {
        URI to = Optional.ofNullable(leader).orElseGet(() -> next(null));
        for (int attempt = 1; ; attempt++) {
            if (to != null) {
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(to.resolve("/world/commands"))
                            .timeout(REQUEST_TIMEOUT).header("Idempotency-Key", request.key())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    int status = answer.statusCode();
                    if (status == 202) {
                        JsonNode receipt = JSON.readTree(answer.body());
                        acks.add(new Ack(request.key(), request.commands(), receipt.get("tick").asLong(),
                                receipt.get("seq").asLong(), receipt.path("duplicate").asBoolean(), request.sent(),
                                clock.instant(), attempt));
                        leader = to;
                        return;
                    }
                    Optional<String> location = answer.headers().firstValue("Location");
                    if (status == 307 && location.isPresent()) {
                        redirects.incrementAndGet();
                        to = URI.create(location.get()).resolve("/");
                        continue;
                    }
                    if (status != 503 && status != 429) {
                        refused.add(request.key() + ": HTTP " + status + " from " + to + ": " + answer.body().strip());
                        return;
                    }
                } catch (IOException e) {
                    // Not answering (stopped, killed, frozen, cut off): the next replica.
                }
            }
            if (clock.nanoTime() >= giveUpAt) {
                unacknowledged.incrementAndGet();
                return;
            }
            retries.incrementAndGet();
            to = next(to);
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
        }
    }

    /** The replica after {@code current} in the list, or the first; null when there is none. */
    private URI next(URI current) {
        List<URI> all = replicas.get();
        if (all.isEmpty()) {
            return null;
        }
        int at = current == null ? -1 : all.indexOf(current);
        return all.get(Math.floorMod(at + 1, all.size()));
    }

    /**
     * What a client saw of a round whose outcome is settled now: the longest time without an acknowledgement from
     * {@code faultAt} until the first acknowledgement after now, waiting up to {@code timeout} for that one. If none
     * comes, empty, and a problem of the round.
     */
    OptionalDouble unavailability(Instant faultAt, Duration timeout, List<String> problems)
            throws InterruptedException {
        Instant settled = clock.instant();
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (true) {
            List<Instant> acked = acks().stream().map(Ack::acked).sorted().toList();
            Optional<Instant> served = acked.stream().filter(at -> at.isAfter(settled)).findFirst();
            if (served.isPresent()) {
                return CommandAudit.longestSilence(acked, faultAt, served.get());
            }
            if (clock.nanoTime() > deadline) {
                problems.add("the client got no acknowledgement within " + Durations.text(timeout)
                        + " of the round's outcome");
                return OptionalDouble.empty();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** The acknowledgements so far, in the order they came. */
    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    /**
     * Stops queueing, lets the senders finish what is queued or in flight for up to {@code drain}, then gives up on
     * the rest, and joins every thread.
     */
    Result stop(Duration drain) throws InterruptedException {
        stopping = true;
        scheduler.interrupt();
        scheduler.join();
        long deadline = clock.nanoTime() + drain.toNanos();
        for (Thread sender : senders) {
            sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - clock.nanoTime())));
        }
        giveUpAt = clock.nanoTime();
        for (Thread sender : senders) {
            sender.join();
        }
        unacknowledged.addAndGet(queue.size());
        queue.clear();
        return new Result(commandsPerSecond, commandsPerRequest, requests, acks(), unacknowledged.get(),
                retries.get(), redirects.get(), refused);
    }

    @Override
    public void close() throws InterruptedException {
        if (!stopping || scheduler.isAlive()) {
            stop(Duration.ZERO);
        }
    }
}
