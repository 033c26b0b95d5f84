package org.vvmhost.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that sends commands at a steady rate to whichever replica leads: it follows a standby's 307 to the leader,
 * and when a replica does not answer or answers 503 it tries the next one, again and again, with the same request and
 * the same {@code Idempotency-Key}, until the request is acknowledged. It spawns entities and later despawns some of
 * those it spawned, and remembers every acknowledgement.
 */
final class CommandClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** One acknowledged request: its key, commands, tick, first sequence number and the entities it concerns. */
    record Acked(String key, JsonNode commands, long tick, long seq, List<Long> entities, boolean duplicate) {
    }

    private final List<URI> replicas = new CopyOnWriteArrayList<>();
    private final List<Acked> acked = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Duration period;
    private final Thread thread;
    private final AtomicInteger redirects = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private volatile boolean stopping;
    private int target;

    CommandClient(Duration period) {
        this.period = period;
        this.thread = new Thread(this::run, "command-client");
    }

    /** A replica the client may send to. */
    void add(URI replica) {
        replicas.add(replica);
    }

    void start() {
        thread.start();
    }

    List<Acked> acked() {
        return List.copyOf(acked);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    int redirects() {
        return redirects.get();
    }

    int retries() {
        return retries.get();
    }

    private void run() {
        List<Long> living = new ArrayList<>();
        long next = System.nanoTime();
        for (int n = 0; !stopping; n++) {
            ArrayNode commands = JSON.createArrayNode();
            ObjectNode spawn = commands.addObject().put("kind", "spawn").put("x", (n * 37) % 1000)
                    .put("y", (n * 53) % 1000);
            spawn.putObject("components").putObject("physics").put("vx", (n % 7) - 3).put("vy", (n % 5) - 2);
            if (n % 3 == 2 && !living.isEmpty()) {
                commands.addObject().put("kind", "despawn").put("entity", living.remove(0));
            }
            if (n % 4 == 1 && !living.isEmpty()) {
                commands.addObject().put("kind", "set-velocity").put("entity", living.get(living.size() - 1))
                        .put("vx", 1.5).put("vy", -2.5);
            }
            Acked done = send("client-" + n, commands);
            if (done == null) {
                return;
            }
            living.add(done.entities().get(0));
            next += period.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            } else {
                next = System.nanoTime();
            }
        }
    }

    /**
     * Sends until acknowledged, even once the client is asked to stop: a request given up on might still be applied,
     * and the test could not account for its effects. Null after a minute without an acknowledgement.
     */
    private Acked send(String key, ArrayNode commands) {
        String body = JSON.createObjectNode().set("commands", commands).toString();
        URI to = null;
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < giveUp) {
            URI base = to != null ? to : replicas.get(Math.floorMod(target, replicas.size()));
            to = null;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/world/commands"))
                        .timeout(REQUEST_TIMEOUT).header("Idempotency-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    JsonNode receipt = JSON.readTree(response.body());
                    List<Long> entities = new ArrayList<>();
                    receipt.get("commands").forEach(command -> entities.add(command.get("entity").asLong()));
                    Acked done = new Acked(key, commands, receipt.get("tick").asLong(), receipt.get("seq").asLong(),
                            entities, receipt.get("duplicate").asBoolean());
                    acked.add(done);
                    return done;
                }
                if (response.statusCode() == 307) {
                    redirects.incrementAndGet();
                    String location = response.headers().firstValue("Location").orElseThrow();
                    // The advertised host name may not resolve here: keep the port, on loopback.
                    to = URI.create("http://127.0.0.1:" + URI.create(location).getPort());
                    continue;
                }
                if (response.statusCode() != 503 && response.statusCode() != 429) {
                    problems.add(key + ": HTTP " + response.statusCode() + " " + response.body());
                    return null;
                }
            } catch (IOException e) {
                // Not answering (stopped, killed, paused): try the next replica.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(key + ": interrupted");
                return null;
            }
            retries.incrementAndGet();
            target++;
            sleep(100);
        }
        problems.add(key + ": no acknowledgement within a minute");
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops sending once the request in flight is acknowledged. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(90));
        if (thread.isAlive()) {
            problems.add("the client did not stop within 90 s");
            thread.interrupt();
            thread.join();
        }
    }
}
