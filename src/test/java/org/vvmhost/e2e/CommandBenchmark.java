package org.vvmhost.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * What the world's API delivers, on one {@code vvmhost run} replica (the image's command line, the example world of
 * {@code examples/world/world.yaml}: 10^5 entities at 20 Hz) on a local etcd that it starts itself, its HTTP API on
 * loopback. Not a test; the clients share the machine with the replica and etcd.
 * <ol>
 *   <li>Acknowledged commands per second, and the acknowledgement latency (request sent → 202 received) p50 and p99,
 *       with group commit: 1 and 16 client threads, each sending requests of 1, 100 and 1,000 commands back to back for
 *       the load time. Half the commands spawn, half despawn what the same client spawned, so the population stays.
 *   <li>Query latency p50 and p99, one client: {@code GET /world/entities/{id}} of living entities, and
 *       {@code GET /world/areas/{row}/{col}/entities?limit=100}.
 *   <li>The tick time its world measured (p50, p99, max, late ticks) over two fresh runs of equal length: left alone,
 *       and with 1,000 commands/s plus an inspector's traffic (the live stream read, and {@code /status},
 *       {@code /history} and {@code /world} polled as the page does).
 * </ol>
 * It prints the load average before and after each part: the machine may be shared. Needs {@code etcd} on the PATH.
 * Build first ({@code mvn -B -o -q clean package -DskipTests}), then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.CommandBenchmark [load s]
 * [run s]} (defaults 10 and 60).
 */
public final class CommandBenchmark {

    private static final Duration BUDGET = Duration.ofSeconds(120);
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final long SPAWNED_IDS = 1_000_000_000_000_000L;
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private CommandBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration load = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        Duration run = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        ImageCommand image = ImageCommand.read(Path.of("Dockerfile"), Path.of("vvmhost/target/vvmhost.jar"));
        try (LocalEtcd etcd = LocalEtcd.start(BUDGET)) {
            System.out.println("etcd " + etcd.endpoint() + "; command line: "
                    + String.join(" ", image.commandLine(arguments(etcd, "bench-commands"))));
            try (HostProcess host = HostProcess.start(image, arguments(etcd, "bench-commands"))) {
                ApiClient api = host.awaitLeaderApi(BUDGET);
                System.out.println("1. acknowledged commands, " + load.toSeconds() + " s each; " + loadAverage());
                for (int batch : new int[] {1, 100, 1000}) {
                    for (int threads : new int[] {1, 16}) {
                        throughput(api.base(), threads, batch, load);
                    }
                }
                System.out.println("2. queries, one client, " + load.toSeconds() + " s each; " + loadAverage());
                queries(api, load);
                System.out.println("   " + loadAverage());
                host.sigterm();
                host.awaitExit(BUDGET);
            }
            System.out.println("3. tick time, two fresh runs of " + run.toSeconds() + " s; " + loadAverage());
            for (boolean busy : new boolean[] {false, true}) {
                try (HostProcess host = HostProcess.start(image, arguments(etcd, "bench-ticks-" + busy))) {
                    ApiClient api = host.awaitLeaderApi(BUDGET);
                    String traffic = busy ? busyRun(api, run) : quietRun(run);
                    JsonNode ticks = api.get("/status").json().at("/world/tickTime");
                    System.out.printf("   %-58s ticks %5d  p50 %5.2f ms  p99 %6.2f ms  max %7.2f ms  late %d; %s%n",
                            traffic, ticks.get("ticks").asLong(), ticks.get("p50Millis").asDouble(),
                            ticks.get("p99Millis").asDouble(), ticks.get("maxMillis").asDouble(),
                            ticks.get("lateTicks").asLong(), loadAverage());
                    host.sigterm();
                host.awaitExit(BUDGET);
                }
            }
        }
    }

    private static List<String> arguments(LocalEtcd etcd, String election) {
        return List.of("run", "--etcd-endpoints", etcd.endpoint().toString(), "--election", election,
                "--world-config", "examples/world/world.yaml", "--http-host", "127.0.0.1");
    }

    // 1. Commands.

    /** One client's commands: spawns, and despawns of what it spawned before, alternately. */
    private static final class Spawner {
        private final Random random;
        private final ArrayDeque<Long> spawned = new ArrayDeque<>();
        private long n;
        private int lastSpawns;

        Spawner(long seed) {
            random = new Random(seed);
        }

        /** A request of {@code size} commands, and how many of them spawn (they come first). */
        String request(int size) {
            StringBuilder body = new StringBuilder(size * 64).append("{\"commands\": [");
            List<String> despawns = new ArrayList<>();
            int spawns = 0;
            for (int i = 0; i < size; i++, n++) {
                if (n % 2 == 1 && !spawned.isEmpty()) {
                    despawns.add("{\"kind\": \"despawn\", \"entity\": " + spawned.poll() + "}");
                } else {
                    body.append(spawns++ == 0 ? "" : ", ").append("{\"kind\": \"spawn\", \"x\": ")
                            .append(random.nextInt(100_000) / 100.0).append(", \"y\": ")
                            .append(random.nextInt(100_000) / 100.0).append('}');
                }
            }
            for (String despawn : despawns) {
                body.append(spawns++ == 0 ? "" : ", ").append(despawn);
            }
            lastSpawns = size - despawns.size();
            return body.append("]}").toString();
        }

        /** Notes the entities the last request spawned: its first commands, from sequence number {@code seq}. */
        void acknowledged(long seq) {
            for (int i = 0; i < lastSpawns; i++) {
                spawned.add(SPAWNED_IDS + seq + i);
            }
        }
    }

    /** Requests not acknowledged, by status, with the first answer of each. */
    private static final class Refusals {
        private final Map<String, Long> counts = new TreeMap<>();
        private final Map<String, String> first = new TreeMap<>();

        synchronized void add(String status, String answer) {
            counts.merge(status, 1L, Long::sum);
            first.putIfAbsent(status, answer.replaceAll("\\s+", " "));
        }

        @Override
        public synchronized String toString() {
            if (counts.isEmpty()) {
                return "none";
            }
            StringBuilder text = new StringBuilder();
            counts.forEach((status, count) -> text.append(text.length() == 0 ? "" : "; ").append(count).append(" × ")
                    .append(status).append(", first: ").append(first.get(status)));
            return text.toString();
        }
    }

    /** {@code threads} clients send requests of {@code batch} commands back to back. */
    private static void throughput(URI base, int threads, int batch, Duration load) throws InterruptedException {
        AtomicLong commands = new AtomicLong();
        Refusals refused = new Refusals();
        List<Histogram> latencies = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        // One client for all threads, as one application would have: one selector thread, not one per thread.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime() + WARM_UP.toNanos();
        long end = start + load.toNanos();
        for (int t = 0; t < threads; t++) {
            Histogram latency = new Histogram(60_000_000L, 3);
            latencies.add(latency);
            long seed = t;
            Thread client = new Thread(() -> {
                Spawner spawner = new Spawner(seed);
                while (System.nanoTime() < end) {
                    HttpRequest request = HttpRequest.newBuilder(base.resolve("/world/commands"))
                            .timeout(BUDGET).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(spawner.request(batch))).build();
                    long sent = System.nanoTime();
                    HttpResponse<String> response;
                    try {
                        response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        refused.add("no answer", e.toString());
                        continue;
                    } catch (InterruptedException e) {
                        return;
                    }
                    long received = System.nanoTime();
                    if (response.statusCode() != 202) {
                        refused.add(Integer.toString(response.statusCode()), response.body());
                        continue;
                    }
                    Matcher seq = SEQ.matcher(response.body());
                    spawner.acknowledged(seq.find() ? Long.parseLong(seq.group(1)) : -1);
                    if (sent >= start) {
                        latency.recordValue((received - sent) / 1000);
                        commands.addAndGet(batch);
                    }
                }
            }, "command-client-" + t);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        Histogram all = new Histogram(60_000_000L, 3);
        latencies.forEach(all::add);
        System.out.printf("   %2d client thread(s), %3d command(s) a request: %8.0f acknowledged commands/s, "
                        + "acknowledgement p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms (%d requests, refused: %s)%n",
                threads, batch, commands.get() / (load.toNanos() / 1e9), all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0, all.getMaxValue() / 1000.0, all.getTotalCount(), refused);
    }

    // 2. Queries.

    private static void queries(ApiClient api, Duration load) throws Exception {
        JsonNode shape = api.get("/world").json().get("world");
        int rows = shape.get("rows").asInt();
        int cols = shape.get("cols").asInt();
        Random random = new Random(7);
        List<Long> ids = new ArrayList<>();
        // Entities die and are born all the time: the ids asked for come from a listing made a moment before.
        measure(api, "GET /world/entities/{id}", load, i -> {
            if (i % 200 == 0) {
                ids.clear();
                Matcher id = ID.matcher(api.get("/world/areas/" + random.nextInt(rows) + "/" + random.nextInt(cols)
                        + "/entities?limit=1000").body());
                while (id.find()) {
                    ids.add(Long.parseLong(id.group(1)));
                }
            }
            return "/world/entities/" + ids.get(random.nextInt(ids.size()));
        });
        measure(api, "GET /world/areas/{row}/{col}/entities?limit=100", load, i -> "/world/areas/"
                + random.nextInt(rows) + "/" + random.nextInt(cols) + "/entities?limit=100");
    }

    /** The next request's path and query; may make requests of its own, which are not measured. */
    @FunctionalInterface
    private interface Target {
        String path(int request) throws Exception;
    }

    private static void measure(ApiClient api, String what, Duration load, Target next) throws Exception {
        Histogram latency = new Histogram(60_000_000L, 3);
        long notFound = 0;
        long end = System.nanoTime() + load.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            String target = next.path(i);
            long sent = System.nanoTime();
            ApiClient.Answer answer = api.get(target);
            latency.recordValue((System.nanoTime() - sent) / 1000);
            if (answer.status() == 404) {
                // An entity listed may have died since.
                notFound++;
            } else if (answer.status() != 200) {
                throw new IllegalStateException(target + " answered " + answer.status() + ": " + answer.body());
            }
        }
        System.out.printf("   %-48s p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms (%d requests, %d not found)%n", what,
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getMaxValue() / 1000.0, latency.getTotalCount(), notFound);
    }

    // 3. The tick time.

    private static String quietRun(Duration run) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(run.toNanos());
        return "left alone";
    }

    /** 20 requests of 50 commands a second, the live stream read, and the page's polls, for {@code run}. */
    private static String busyRun(ApiClient api, Duration run) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong events = new AtomicLong();
        var stream = http.sendAsync(HttpRequest.newBuilder(api.base().resolve("/world/stream")).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body()
                .filter(line -> line.startsWith("event:")).forEach(line -> events.incrementAndGet()));
        Spawner spawner = new Spawner(11);
        long commands = 0;
        long refused = 0;
        long start = System.nanoTime();
        long period = TimeUnit.MILLISECONDS.toNanos(50);
        for (long n = 0; System.nanoTime() - start < run.toNanos(); n++) {
            long due = start + n * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            ApiClient.Answer answer = api.send(HttpRequest.newBuilder(api.base().resolve("/world/commands"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(spawner.request(50))).build());
            if (answer.status() == 202) {
                Matcher seq = SEQ.matcher(answer.body());
                spawner.acknowledged(seq.find() ? Long.parseLong(seq.group(1)) : -1);
                commands += 50;
            } else {
                refused++;
            }
            if (n % 60 == 0) {
                api.get("/status");
                api.get("/history");
            }
            if (n % 100 == 0) {
                api.get("/world");
            }
        }
        stream.cancel(true);
        return String.format("%.0f commands/s (%d refused), stream read (%d events)",
                commands / ((System.nanoTime() - start) / 1e9), refused, events.get());
    }

    // Helpers.

    /** The load averages, as {@code uptime} prints them. */
    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return "load average " + fields[0] + ", " + fields[1] + ", " + fields[2];
    }
}
