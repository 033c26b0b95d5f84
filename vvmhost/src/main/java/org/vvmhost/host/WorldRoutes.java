package org.vvmhost.host;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.command.CommandException;
import org.vvmhost.services.world.service.BackupState;
import org.vvmhost.services.world.service.CommandReceipt;
import org.vvmhost.services.world.service.CommandRefusedException;
import org.vvmhost.services.world.service.TickStats;
import org.vvmhost.services.world.service.WorldGateway;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldSummary;
import org.vvmhost.time.Clock;

/**
 * The world's endpoints: commands in ({@code POST /world/commands}), queries out ({@code /world}, entities, areas), the
 * live stream and the tick chart. They work on the leader, whose world runs; a standby answers 307 with the leader's
 * advertised URL, and a replica that is neither (starting, stopping) 503 with {@code Retry-After}. Every query runs on
 * the tick loop's thread between two ticks, after the world has completed every tick an acknowledged command named.
 */
final class WorldRoutes implements AutoCloseable {

    /** The most commands one request may carry. */
    static final int MAX_BATCH = 1000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final ReplicaStatus status;
    private final ElectionReader election;
    private final Clock clock;
    private final WorldStream stream;

    WorldRoutes(ReplicaStatus status, ElectionReader election, Clock clock) {
        this.status = status;
        this.election = election;
        this.clock = clock;
        this.stream = new WorldStream(this::world, clock);
    }

    List<HttpApi.Route> routes() {
        return List.of(
                HttpApi.Route.postLater("/world/commands", this::commands),
                HttpApi.Route.get("/world/commands", call -> kinds()),
                HttpApi.Route.getLater("/world", call -> query(call, this::overview)),
                HttpApi.Route.getLater("/world/entities/{id}", this::entity),
                HttpApi.Route.getLater("/world/areas", call -> query(call, this::areas)),
                HttpApi.Route.getLater("/world/areas/{row}/{col}/entities", this::areaEntities),
                HttpApi.Route.get("/world/timeline", this::timeline),
                HttpApi.Route.stream("/world/stream", this::openStream));
    }

    /** The world service, once the run has built it. */
    private Optional<WorldSimulationService> service() {
        return status.observed().map(Observed::world);
    }

    /** The world's gateway, if a world runs here. */
    private Optional<WorldGateway> world() {
        return service().map(WorldSimulationService::gateway).filter(WorldGateway::running);
    }

    // Commands.

    private CompletionStage<HttpApi.Reply> commands(HttpApi.Call call) {
        Optional<WorldGateway> world = world();
        if (world.isEmpty()) {
            return now(elsewhere(call));
        }
        WorldGateway gateway = world.get();
        String key = call.header().apply(IDEMPOTENCY_KEY);
        if (key != null && !KEY.matcher(key).matches()) {
            return now(HttpApi.Reply.error(400, "bad_request", IDEMPOTENCY_KEY + ": 1 to 128 letters, digits and "
                    + "'.', '_', ':', '-'; got '" + key + "'"));
        }
        JsonNode body = call.body();
        List<JsonNode> nodes = new ArrayList<>();
        String prefix;
        if (body.isObject() && body.has("commands")) {
            if (!body.get("commands").isArray() || body.size() != 1) {
                return now(badCommand("commands", "a batch is {\"commands\": [ ... ]} and nothing else"));
            }
            body.get("commands").forEach(nodes::add);
            prefix = "commands";
        } else if (body.isObject() && body.has("kind")) {
            nodes.add(body);
            prefix = null;
        } else {
            return now(HttpApi.Reply.error(400, "bad_request", "the body is one command, {\"kind\": ..., ...}, or a "
                    + "batch, {\"commands\": [ ... ]}; GET /world/commands lists the kinds"));
        }
        if (nodes.isEmpty()) {
            return now(badCommand("commands", "a batch holds at least one command"));
        }
        if (nodes.size() > MAX_BATCH) {
            return now(HttpApi.Reply.error(413, "payload_too_large", "a batch holds at most " + MAX_BATCH
                    + " commands, this one " + nodes.size() + ": split it into several requests"));
        }
        // A retry of a request taken already gets its receipt: the entities it names may be gone by now.
        LongPredicate exists = key != null && gateway.knows(key) ? id -> true : gateway::exists;
        List<WorldCommand> commands = new ArrayList<>();
        try {
            for (int i = 0; i < nodes.size(); i++) {
                commands.add(gateway.catalog().parse(nodes.get(i), prefix == null ? "command" : prefix + "[" + i
                        + "]", exists));
            }
        } catch (CommandException e) {
            return now(badCommand(e.field(), e.getMessage()));
        }
        // The receipt completes on the journal's thread, which must go on to the next write at once.
        return clock.orTimeout(gateway.submit(commands, key).copy(), COMMAND_TIMEOUT, "no acknowledgement")
                .thenApplyAsync(receipt -> accepted(receipt, commands), call.threads())
                .exceptionallyAsync(failure -> refused(call, failure, "the commands may or may not be journaled: "
                        + "retry with the same " + IDEMPOTENCY_KEY + " to find out, and to have them applied once"),
                        call.threads());
    }

    private static HttpApi.Reply badCommand(String field, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", "bad_command");
        body.put("field", field);
        body.put("message", message.startsWith(field + ": ") ? message : field + ": " + message);
        return HttpApi.Reply.json(400, body);
    }

    private static HttpApi.Reply accepted(CommandReceipt receipt, List<WorldCommand> commands) {
        List<CommandView> views = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            views.add(new CommandView(receipt.seq() + i, commands.get(i).kind(), receipt.entities().get(i)));
        }
        return HttpApi.Reply.json(202, new ReceiptView(receipt.tick(), receipt.seq(), receipt.duplicate(), views));
    }

    /** The reply to a refusal or a timeout; {@code afterTimeout} says what a timeout means for the client. */
    private HttpApi.Reply refused(HttpApi.Call call, Throwable failure, String afterTimeout) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof TimeoutException) {
            return HttpApi.Reply.error(503, "unavailable", cause.getMessage() + ": " + afterTimeout)
                    .withHeader("Retry-After", "1");
        }
        if (!(cause instanceof CommandRefusedException refusal)) {
            throw new CompletionException(cause);
        }
        return switch (refusal.reason()) {
            case BUSY -> HttpApi.Reply.error(429, "too_many_requests", refusal.getMessage())
                    .withHeader("Retry-After", "1");
            case KEY_REUSED -> HttpApi.Reply.error(409, "conflict", refusal.getMessage());
            case UNAVAILABLE -> elsewhere(call);
            case NOT_LEADER, OUTCOME_UNKNOWN -> unavailable(refusal.reason() == CommandRefusedException.Reason.NOT_LEADER
                    ? "not_leader" : "outcome_unknown", refusal.getMessage());
        };
    }

    private HttpApi.Reply kinds() {
        return service().map(s -> HttpApi.Reply.json(200, Map.of("kinds", s.gateway().catalog().kinds())))
                .orElseGet(() -> unavailable("unavailable", "this replica has not started yet"));
    }

    // Queries.

    private CompletionStage<HttpApi.Reply> query(HttpApi.Call call, Function<World, Object> read) {
        return query(call, read, value -> HttpApi.Reply.json(200, value));
    }

    private <T> CompletionStage<HttpApi.Reply> query(HttpApi.Call call, Function<World, T> read,
                                                     Function<T, HttpApi.Reply> reply) {
        Optional<WorldGateway> world = world();
        if (world.isEmpty()) {
            return now(elsewhere(call));
        }
        // The read completes on the tick loop's thread: the reply is written on the server's.
        return clock.orTimeout(world.get().read(read).copy(), QUERY_TIMEOUT, "no answer from the world")
                .thenApplyAsync(reply, call.threads())
                .exceptionallyAsync(failure -> refused(call, failure, "the world has not yet reached the tick of the "
                        + "last acknowledged command, or it is overloaded; try again"), call.threads());
    }

    private Object overview(World world) {
        WorldSimulationService service = service().orElseThrow();
        WorldConfig config = service.gateway().config();
        WorldGeometry geometry = config.geometry();
        TickStats stats = service.tickStats();
        WorldStatus worldStatus = world.status();
        LastView lastView = service.backups().flatMap(BackupState::newest).map(saved -> new LastView(
                saved.header().tick(), String.format("%016x", saved.header().worldHash()), saved.restored(),
                (clock.nanoTime() - service.backups().get().sinceNanos()) / 1e9)).orElse(null);
        return new Overview(world.tick(), String.format("%016x", world.hash()), world.population(),
                world.nextEntityId(), world.lastCommandSeq(), worldStatus.commands(),
                new TickTime(stats.ticks(), millis(stats.p50()), millis(stats.p99()), millis(stats.max()),
                        stats.lateTicks()), lastView,
                new Shape(geometry.width(), geometry.height(), geometry.rows(), geometry.cols(),
                        config.tickRate().isMax() ? null : config.tickRate().hertz(), config.backupInterval(),
                        List.copyOf(config.componentSets().keySet())));
    }

    private CompletionStage<HttpApi.Reply> entity(HttpApi.Call call) {
        long id;
        try {
            id = Long.parseLong(call.parameters().get("id"));
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 0) {
            return now(HttpApi.Reply.error(400, "bad_request", "an entity id is a whole number ≥ 0, got '"
                    + call.parameters().get("id") + "'"));
        }
        long wanted = id;
        int cols = world().map(gateway -> gateway.config().geometry().cols()).orElse(1);
        return query(call, world -> new Read<>(world.tick(), world.entity(wanted)), read -> read.value()
                .map(entity -> HttpApi.Reply.json(200, new EntityReply(read.tick(), view(entity, cols))))
                .orElseGet(() -> HttpApi.Reply.error(404, "not_found", "no entity " + wanted + " at tick "
                        + read.tick() + " (it may have died or been despawned, or never existed)")));
    }

    /** What a query read, and the tick it was read at. */
    private record Read<T>(long tick, T value) {
    }

    private Object areas(World world) {
        WorldGeometry geometry = service().orElseThrow().gateway().config().geometry();
        List<WorldSummary.AreaSummary> areas = new ArrayList<>();
        List<WorldStatus.AreaRoles> roles = world.status().areas();
        for (int area = 0; area < geometry.areaCount(); area++) {
            List<WorldSummary.Owner> owners = new ArrayList<>();
            long entities = 0;
            for (WorldStatus.AreaRoles role : roles) {
                if (role.area() == area) {
                    owners.add(new WorldSummary.Owner(role.set(), role.active(), role.passives(), role.epoch()));
                    entities = role.entities();
                }
            }
            areas.add(new WorldSummary.AreaSummary(area, area / geometry.cols(), area % geometry.cols(), entities,
                    owners));
        }
        return new AreasReply(world.tick(), geometry.rows(), geometry.cols(), areas);
    }

    private CompletionStage<HttpApi.Reply> areaEntities(HttpApi.Call call) {
        Optional<WorldGateway> world = world();
        if (world.isEmpty()) {
            return now(elsewhere(call));
        }
        WorldGeometry geometry = world.get().config().geometry();
        int row = index(call.parameters().get("row"));
        int col = index(call.parameters().get("col"));
        if (row < 0 || col < 0 || row >= geometry.rows() || col >= geometry.cols()) {
            return now(HttpApi.Reply.error(404, "not_found", "no area at row " + call.parameters().get("row")
                    + ", column " + call.parameters().get("col") + ": the grid is " + geometry.rows() + " × "
                    + geometry.cols() + ", rows and columns from 0"));
        }
        String given = call.query().apply("limit");
        int limit = given == null ? DEFAULT_LIMIT : index(given);
        if (limit < 1 || limit > MAX_LIMIT) {
            return now(HttpApi.Reply.error(400, "bad_request", "limit: a whole number within [1, " + MAX_LIMIT
                    + "], got '" + given + "'"));
        }
        int area = row * geometry.cols() + col;
        return query(call, w -> new AreaEntities(w.tick(), area, row, col, w.status().areas().stream()
                .filter(roles -> roles.area() == area).mapToLong(WorldStatus.AreaRoles::entities).findFirst()
                .orElse(0), w.entities(new int[] {area}, limit).stream().map(e -> view(e, geometry.cols())).toList()),
                value -> HttpApi.Reply.json(200, value));
    }

    private static int index(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static EntityView view(EntityRecord entity, int cols) {
        return new EntityView(entity.id(), entity.area(), entity.area() / cols, entity.area() % cols,
                entity.components(), entity.owners());
    }

    private HttpApi.Reply timeline(HttpApi.Call call) {
        return world().map(gateway -> HttpApi.Reply.json(200, Map.of("points", gateway.timeline())))
                .orElseGet(() -> elsewhere(call));
    }

    private Optional<HttpApi.Reply> openStream(HttpApi.Call call, HttpApi.EventStream events) {
        Optional<WorldGateway> world = world();
        if (world.isEmpty()) {
            return Optional.of(elsewhere(call));
        }
        return stream.open(world.get(), events);
    }

    // Where the world is, when it is not here.

    /**
     * The answer of a replica whose world does not run: a standby points to the leader (307, same method and body);
     * anyone else, or a standby that knows no leader, says so (503) and when to try again.
     */
    private HttpApi.Reply elsewhere(HttpApi.Call call) {
        String role = ApiRoutes.role(status.current());
        Optional<String> leader = leaderUrl();
        if (role.equals("standby") && leader.isPresent()) {
            String location = leader.get().replaceAll("/+$", "") + call.target();
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", "not_leader");
            body.put("message", "this replica is a standby; the leader is at " + leader.get());
            body.put("leader", leader.get());
            return HttpApi.Reply.json(307, body).withHeader("Location", location);
        }
        return unavailable("unavailable", "no world runs on this replica: it is " + role
                + leader.map(url -> "; the leader is at " + url).orElse("; no leader is known right now"));
    }

    private HttpApi.Reply unavailable(String kind, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", kind);
        body.put("message", message);
        leaderUrl().ifPresent(url -> body.put("leader", url));
        return HttpApi.Reply.json(503, body).withHeader("Retry-After", "1");
    }

    /** The leader's advertised URL, from the election, unless that is this replica. */
    private Optional<String> leaderUrl() {
        ElectionReader.ElectionView view = election.read(Optional.empty());
        Optional<String> own = status.advertiseUrl().map(URI::toString);
        return Optional.ofNullable(view.leader()).map(StatusCommand.CandidateView::advertiseUrl)
                .filter(url -> own.map(mine -> !mine.equals(url)).orElse(true));
    }

    private static CompletionStage<HttpApi.Reply> now(HttpApi.Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    /** Stops the stream's thread and ends its clients. */
    @Override
    public void close() {
        stream.close();
    }

    record ReceiptView(long tick, long seq, boolean duplicate, List<CommandView> commands) {
    }

    record CommandView(long seq, String kind, long entity) {
    }

    record Overview(long tick, String hash, long population, long nextEntityId, long lastCommandSeq,
                    WorldStatus.CommandCounts commands, TickTime tickTime, LastView lastView, Shape world) {
    }

    record TickTime(long ticks, double p50Millis, double p99Millis, double maxMillis, long lateTicks) {
    }

    record LastView(long tick, String hash, boolean restored, double ageSeconds) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Shape(double width, double height, int rows, int cols, Double tickRate, int backupInterval,
                 List<String> sets) {
    }

    record EntityReply(long tick, EntityView entity) {
    }

    record EntityView(long id, int area, int row, int col, Map<String, Map<String, Number>> components,
                      Map<String, String> owners) {
    }

    record AreasReply(long tick, int rows, int cols, List<WorldSummary.AreaSummary> areas) {
    }

    record AreaEntities(long tick, int area, int row, int col, long count, List<EntityView> entities) {
    }
}
