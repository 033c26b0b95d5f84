package org.vvmhost.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the HTTP API costs. Starts one replica with the image's command line on the embedded default and the example
 * world (10^5 entities at 20 Hz), then: (1) {@code wrk} loads {@code /leader} and {@code /metrics} on loopback, a
 * bounded number of seconds each, and reports requests/s and p99 latency; (2) two fresh runs of equal length, one
 * left alone and one whose {@code /metrics} is scraped every second, report the tick time p99 their world measured.
 * Needs {@code wrk} on the PATH (Debian: apt-get install wrk). Build first, then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.ProbeBenchmark}.
 */
public final class ProbeBenchmark {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration LOAD = Duration.ofSeconds(10);
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+\\w+)");

    private ProbeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ImageCommand image = ImageCommand.read(Path.of("Dockerfile"), Path.of("vvmhost/target/vvmhost.jar"));
        List<String> world = List.of("run", "--world-config", "examples/world/world.yaml");
        System.out.printf("probe cost: one replica, embedded default, examples/world/world.yaml; wrk -t2 -c8 -d%ds%n",
                LOAD.toSeconds());
        try (HostProcess host = HostProcess.start(image, world)) {
            ApiClient api = host.awaitLeaderApi(START);
            for (String path : List.of("/leader", "/metrics", "/livez")) {
                System.out.println(wrk(api.base().resolve(path)));
            }
            stop(host);
        }
        System.out.printf("tick time while scraped: two fresh runs of %ds each%n", RUN.toSeconds());
        for (boolean scraped : new boolean[] {false, true}) {
            try (HostProcess host = HostProcess.start(image, world)) {
                ApiClient api = host.awaitLeaderApi(START);
                long deadline = System.nanoTime() + RUN.toNanos();
                int scrapes = 0;
                while (System.nanoTime() < deadline) {
                    if (scraped) {
                        api.get("/metrics");
                        scrapes++;
                    }
                    TimeUnit.SECONDS.sleep(1);
                }
                JsonNode ticks = api.get("/status").json().at("/world/tickTime");
                System.out.printf("%-28s ticks %6d  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  late %d%n",
                        scraped ? "/metrics every 1 s (" + scrapes + ")" : "not scraped",
                        ticks.get("ticks").asLong(), ticks.get("p50Millis").asDouble(),
                        ticks.get("p99Millis").asDouble(), ticks.get("maxMillis").asDouble(),
                        ticks.get("lateTicks").asLong());
                stop(host);
            }
        }
    }

    private static String wrk(URI url) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wrk", ".txt");
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c8", "-d" + LOAD.toSeconds() + "s", "--latency",
                url.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!wrk.waitFor(LOAD.toSeconds() + 30, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        Matcher rate = RATE.matcher(text);
        Matcher p99 = P99.matcher(text);
        if (!rate.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + text);
        }
        return String.format("%-10s %10s req/s  p99 %s", url.getPath(), rate.group(1), p99.group(1));
    }

    private static void stop(HostProcess host) throws InterruptedException {
        host.sigterm();
        host.awaitExit(START);
    }

}
