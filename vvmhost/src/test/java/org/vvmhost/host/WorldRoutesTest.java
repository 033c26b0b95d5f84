package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.InProcessClusterService;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.service.WorldServiceSettings;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.testing.ForwardingTerm;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.ElectionContext;

/**
 * The world's endpoints over HTTP on loopback, served by a real world service that leads an in-memory election, on a
 * manual clock: the token, receipts and read-your-writes, every kind of bad request (400 naming the field, 413, 409)
 * changing nothing, and a flood refused with 429 while the tick loop keeps its pace.
 */
class WorldRoutesTest {

    private static final String TOKEN = "world-routes-test-token";
    private static final Duration BUDGET = Duration.ofSeconds(20);
    private static final Duration PERIOD = Duration.ofMillis(50);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WorldConfig CONFIG = WorldConfig.parse("""
            world:
              areas: {rows: 2, cols: 3}
              entities: 600
              tick-rate: 20
              backup-interval: 10
            """, Map.of());
    /** Small, so that a flood meets it. */
    private static final int MAX_PENDING = 100;

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(BUDGET).build();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final GatedJournalTerm term;
    private final ElectionContext context;
    private final WorldSimulationService world;
    private final HttpApi api;

    WorldRoutesTest() throws Exception {
        InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
        Leadership leadership = election.join(new Candidate("replica-a", "test-host", 1, Instant.EPOCH));
        toClose.add(leadership);
        term = new GatedJournalTerm(leadership.campaign().elected().get());
        context = new ElectionContext(term, leadership.data());
        world = WorldSimulationService.create(WorldServiceSettings.of(CONFIG).withThreads(1).withCommands(
                        new WorldServiceSettings.Commands(MAX_PENDING, Duration.ofSeconds(5), Duration.ofMillis(10),
                                1000)), ComponentSetRegistry.builtIn(),
                c -> new WorldViewLocation.InElection("world", BUDGET).open(c, clock), Optional.empty(), clock);
        world.start(context);
        toClose.add(world::stop);
        ReplicaStatus status = new ReplicaStatus(clock, "replica-a", meters);
        status.observe(new Observed(world, Optional.empty(), Optional.empty(), InProcessClusterService.create(
                () -> ClusterOptions.threaded(clock), FunctionRegistry.create()), CONFIG.backupInterval()));
        status.launched();
        status.leadershipAcquired(term);
        status.servicesStarted();
        WorldRoutes routes = new WorldRoutes(status, new ElectionReader(Optional.empty(), "world", clock), clock);
        toClose.add(routes);
        api = new HttpApi(new HttpSettings(Optional.of("127.0.0.1"), 0, false, Optional.empty(),
                Optional.of(new HttpSettings.ApiToken(TOKEN)), Optional.empty()), "test-host", routes.routes(), meters);
        api.start();
        toClose.add(api);
    }

    @AfterEach
    void closeAll() throws Exception {
        term.open();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aCommandNeedsTheTokenAndWhatItDidIsReadBackAtOnce() throws Exception {
        String spawn = "{\"kind\": \"spawn\", \"x\": 512.5, \"y\": 100, "
                + "\"components\": {\"vitality\": {\"health\": 42}}}";
        HttpResponse<String> anonymous = send(post(spawn, null));
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> accepted = send(post(spawn, TOKEN));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode receipt = JSON.readTree(accepted.body());
        long entity = receipt.at("/commands/0/entity").asLong();
        assertThat(receipt.get("seq").asLong()).as("the first command: the refused one took no number").isZero();
        assertThat(receipt.at("/commands/0/kind").asText()).isEqualTo("spawn");
        // Read-your-writes: the read waits for the tick the receipt names, so it sees the entity at once.
        HttpResponse<String> read = read(get("/world/entities/" + entity));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(read.body());
        assertThat(body.get("tick").asLong()).isGreaterThanOrEqualTo(receipt.get("tick").asLong());
        assertThat(body.at("/entity/components/vitality/health").asInt()).isPositive();
        assertThat(body.at("/entity/row").asInt()).isZero();
        assertThat(body.at("/entity/owners/physics").asText()).isNotEmpty();
        JsonNode overview = json(get("/world"));
        assertThat(overview.get("lastCommandSeq").asLong()).isZero();
        assertThat(overview.at("/commands/applied").asLong()).isEqualTo(1);
        assertThat(json(get("/world/commands")).get("kinds")).extracting(kind -> kind.get("kind").asText())
                .contains("spawn", "despawn", "damage", "heal", "impulse", "set-velocity");
        assertThat(context.failures).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            NaN            | {"kind": "damage", "entity": 1, "amount": NaN}                          | command.amount
            unknown kind   | {"kind": "explode", "entity": 1}                                        | command.kind
            unknown entity | {"kind": "heal", "entity": 999999, "amount": 5}                          | command.entity
            wrong field    | {"kind": "despawn", "entity": 1, "force": true}                         | command.force
            out of bounds  | {"kind": "spawn", "x": 5, "y": 1001}                                     | command.y
            in a batch     | {"commands": [{"kind": "heal", "entity": 1, "amount": 5}, {"kind": "impulse", "entity": 1, "dvx": 1}]} | commands[1].dvy
            not a batch    | {"commands": {"kind": "heal"}}                                           | commands
            empty batch    | {"commands": []}                                                         | commands
            """)
    void aBadCommandIs400NamingItsFieldAndChangesNothing(String rule, String body, String field) throws Exception {
        HttpResponse<String> refused = send(post(body, TOKEN));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.body());
        assertThat(error.get("field").asText()).isEqualTo(field);
        assertThat(error.get("message").asText()).startsWith(field + ": ");
        assertNothingJournaled();
    }

    @Test
    void limitsAndKeysAreCheckedBeforeAnythingIsJournaled() throws Exception {
        StringBuilder batch = new StringBuilder("{\"commands\": [");
        for (int i = 0; i <= WorldRoutes.MAX_BATCH; i++) {
            batch.append(i == 0 ? "" : ", ").append("{\"kind\": \"spawn\", \"x\": 512.5, \"y\": 256.25, "
                    + "\"components\": {\"physics\": {\"vx\": 1.5, \"vy\": -2.5}}}");
        }
        String tooMany = batch.append("]}").toString();
        assertThat(tooMany.length()).as("fits the body limit").isLessThan(HttpSettings.MAX_BODY_BYTES);
        HttpResponse<String> large = send(post(tooMany, TOKEN));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(large.body()).get("message").asText()).contains("at most " + WorldRoutes.MAX_BATCH);
        HttpResponse<String> badKey = send(post("{\"kind\": \"heal\", \"entity\": 1, \"amount\": 1}", TOKEN)
                .header(WorldRoutes.IDEMPOTENCY_KEY, "no spaces"));
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badKey.body()).get("message").asText()).startsWith(WorldRoutes.IDEMPOTENCY_KEY);
        assertNothingJournaled();

        String heal = "{\"kind\": \"heal\", \"entity\": 1, \"amount\": 1}";
        JsonNode first = JSON.readTree(send(post(heal, TOKEN).header(WorldRoutes.IDEMPOTENCY_KEY, "k-1")).body());
        HttpResponse<String> retry = send(post(heal, TOKEN).header(WorldRoutes.IDEMPOTENCY_KEY, "k-1"));
        HttpResponse<String> reused = send(post("{\"kind\": \"heal\", \"entity\": 1, \"amount\": 2}", TOKEN)
                .header(WorldRoutes.IDEMPOTENCY_KEY, "k-1"));

        assertThat(retry.statusCode()).isEqualTo(202);
        JsonNode again = JSON.readTree(retry.body());
        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
        assertThat(again.get("tick").asLong()).isEqualTo(first.get("tick").asLong());
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(reused.body()).get("message").asText()).contains("'k-1' was used before");
        assertThat(term.journalWrites).as("one write for the three requests").hasSize(1);
    }

    @Test
    void aRetryOfAnAppliedDespawnGetsItsReceiptThoughItsEntityIsGone() throws Exception {
        long victim = json(get("/world/areas/0/0/entities?limit=1")).at("/entities/0/id").asLong();
        String despawn = "{\"kind\": \"despawn\", \"entity\": " + victim + "}";
        JsonNode first = JSON.readTree(send(post(despawn, TOKEN).header(WorldRoutes.IDEMPOTENCY_KEY, "gone-1")).body());
        assertThat(read(get("/world/entities/" + victim)).statusCode()).as("applied").isEqualTo(404);

        HttpResponse<String> retry = send(post(despawn, TOKEN).header(WorldRoutes.IDEMPOTENCY_KEY, "gone-1"));
        HttpResponse<String> fresh = send(post(despawn, TOKEN));

        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        JsonNode again = JSON.readTree(retry.body());
        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
        assertThat(fresh.statusCode()).as("without its key, a new request").isEqualTo(400);
        assertThat(JSON.readTree(fresh.body()).get("message").asText()).contains("no entity " + victim);
        assertThat(term.journalWrites).hasSize(1);
    }

    @Test
    void queriesNameWhatIsWrongWithThem() throws Exception {
        JsonNode areas = json(get("/world/areas"));
        assertThat(areas.get("areas")).hasSize(6);
        assertThat(areas.at("/areas/5/row").asInt()).isEqualTo(1);
        assertThat(areas.at("/areas/5/col").asInt()).isEqualTo(2);
        assertThat(areas.at("/areas/5/sets/0/set").asText()).isEqualTo("physics");
        assertThat(areas.at("/areas/5/sets/0/active").asText()).isNotEmpty();
        JsonNode listed = json(get("/world/areas/1/2/entities?limit=3"));
        assertThat(listed.get("entities")).hasSize(3);
        assertThat(listed.get("count").asLong()).as("the area's entities, of which 3 are listed").isGreaterThan(3);
        assertThat(listed.at("/entities/0/row").asInt()).isEqualTo(1);

        assertThat(read(get("/world/areas/2/0/entities")).body()).contains("the grid is 2 × 3");
        assertThat(read(get("/world/areas/0/0/entities?limit=0")).statusCode()).isEqualTo(400);
        assertThat(read(get("/world/entities/seven")).statusCode()).isEqualTo(400);
        HttpResponse<String> missing = read(get("/world/entities/999999"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no entity 999999");
    }

    /**
     * While a journal write is held, requests queue until {@link #MAX_PENDING} commands wait; the next is refused at
     * once with 429 and Retry-After, and nothing of it is kept. Then clients flood without pause while the clock moves
     * tick by tick: every tick starts on time.
     */
    @Test
    void aFloodingClientGets429WhileTheTickLoopKeepsItsPace() throws Exception {
        term.hold();
        CompletableFuture<HttpResponse<String>> held = sendAsync(post(heals(1), TOKEN));
        term.awaitHeldWrite();
        CompletableFuture<HttpResponse<String>> queued = sendAsync(post(heals(60), TOKEN));
        await().atMost(BUDGET).until(() -> !queued.isDone() && refusedWith429(send(post(heals(60), TOKEN))));
        term.open();
        assertThat(held.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(202);
        assertThat(queued.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(202);

        List<Thread> flood = new ArrayList<>();
        BlockingQueue<Integer> statuses = new LinkedBlockingQueue<>();
        long fromTick = world.tick();
        long lateBefore = world.tickStats().lateTicks();
        for (int i = 0; i < 4; i++) {
            Thread thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        statuses.add(send(post(heals(40), TOKEN)).statusCode());
                    } catch (IOException | RuntimeException e) {
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "flooding-client-" + i);
            thread.start();
            flood.add(thread);
        }
        try {
            for (int n = 1; n <= 20; n++) {
                long tick = fromTick + n;
                clock.advance(PERIOD);
                await().atMost(BUDGET).until(() -> world.tick() >= tick);
            }
        } finally {
            flood.forEach(Thread::interrupt);
            for (Thread thread : flood) {
                thread.join(BUDGET.toMillis());
            }
        }

        assertThat(statuses).as("the clients were answered").contains(202);
        assertThat(statuses).allMatch(status -> status == 202 || status == 429);
        assertThat(world.tickStats().lateTicks() - lateBefore).as("ticks that started late").isZero();
        assertThat(context.failures).isEmpty();
    }

    private static boolean refusedWith429(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 429) {
            return false;
        }
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("commands wait to be journaled");
        return true;
    }

    private static String heals(int commands) {
        StringBuilder body = new StringBuilder("{\"commands\": [");
        for (int i = 0; i < commands; i++) {
            body.append(i == 0 ? "" : ", ").append("{\"kind\": \"heal\", \"entity\": ").append(i).append(", ")
                    .append("\"amount\": 1}");
        }
        return body.append("]}").toString();
    }

    private void assertNothingJournaled() throws Exception {
        JsonNode overview = json(get("/world"));
        assertThat(overview.get("lastCommandSeq").asLong()).isEqualTo(-1);
        assertThat(overview.at("/commands/applied").asLong()).isZero();
        assertThat(term.journalWrites).isEmpty();
    }

    private HttpRequest.Builder post(String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url("/world/commands"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(url(path)).GET();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private JsonNode json(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = read(request);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return client.sendAsync(request.timeout(BUDGET).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The response, with the clock standing still: a receipt waits for the journal, not for a tick. */
    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(BUDGET).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The response, moving the clock on while it waits: a query waits for the tick of the last receipt. */
    private HttpResponse<String> read(HttpRequest.Builder request) {
        CompletableFuture<HttpResponse<String>> future = sendAsync(request);
        await().atMost(BUDGET).pollInterval(Duration.ofMillis(2)).until(() -> {
            if (!future.isDone()) {
                clock.advance(PERIOD.dividedBy(5));
            }
            return future.isDone();
        });
        return future.join();
    }

    /** The term of the in-memory election, whose command journal writes the test may hold. */
    private static final class GatedJournalTerm extends ForwardingTerm {
        final List<List<WriteOp>> journalWrites = new CopyOnWriteArrayList<>();
        private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
        private final CompletableFuture<Void> heldWrite = new CompletableFuture<>();

        GatedJournalTerm(Term delegate) {
            super(delegate);
        }

        void hold() {
            gate = new CompletableFuture<>();
        }

        void open() {
            gate.complete(null);
        }

        void awaitHeldWrite() throws Exception {
            heldWrite.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletableFuture<Void> write(List<WriteOp> ops) {
            boolean journal = ops.stream().anyMatch(op -> op instanceof WriteOp.Put put
                    && put.key().startsWith("journal/"));
            if (!journal) {
                return super.write(ops);
            }
            journalWrites.add(ops);
            CompletableFuture<Void> now = gate;
            if (!now.isDone()) {
                heldWrite.complete(null);
            }
            return now.thenCompose(ignored -> super.write(ops));
        }
    }
}
