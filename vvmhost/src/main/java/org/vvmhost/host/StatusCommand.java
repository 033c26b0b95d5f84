package org.vvmhost.host;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.time.Durations;
import org.vvmhost.time.SystemClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vvmhost status}: who leads the election on etcd, who waits, and the world's last backup. Read-only. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the election's leader (id, host, pid, since when, fencing token <epoch>:<revision>), the "
                + "candidates waiting in line, as read from etcd, and the tick and world hash of the world's last "
                + "backup.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the status was read (also when nobody leads)",
            "2:usage error: a bad option or value",
            "3:etcd did not answer within --timeout",
            "6:etcd refused access (credentials, permissions or TLS)"
        })
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Mixin
    private LeadershipOptions leadershipOptions;

    @Option(names = "--json", description = "Print JSON instead of a table. Env: VVM_JSON.")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait for etcd's answer. Default: ${DEFAULT-VALUE}. Env: VVM_TIMEOUT.")
    private Duration timeout;

    @Option(names = "--world-store", paramLabel = "file:<dir>",
            description = "Where the world views are, if `run` was given --world-store. Default: the election's "
                    + "data on etcd. Env: VVM_WORLD_STORE.")
    private String worldStore;

    @Inject
    StatusCommand() {
    }

    @Override
    public Integer call() {
        // The lease is not used to read; any valid one will do.
        EtcdSettings etcd = leadershipOptions.etcdSettings(LeaseSettings.defaults()).orElseThrow(
                () -> leadershipOptions.usageError("--etcd-endpoints",
                        "status reads the election from etcd; give its endpoints (or set VVM_ETCD_ENDPOINTS)"));
        // Log lines (a client library's warnings) go to stderr, so that stdout stays a table or a JSON document.
        LogConfiguration.applyQuiet();
        PrintWriter err = spec.commandLine().getErr();
        ElectionStatus status;
        try {
            status = EtcdLeaderships.status(etcd, timeout);
        } catch (LeadershipAccessException e) {
            err.println(AccessErrors.describe(e));
            err.flush();
            return ExitCode.ACCESS_DENIED.code();
        } catch (LeadershipException e) {
            err.println("cannot read the election '" + etcd.election() + "' from etcd " + etcd.endpoints()
                    + " within " + Durations.text(timeout) + ": " + e.getMessage()
                    + ". Check --etcd-endpoints, and that etcd runs; --timeout waits longer.");
            err.flush();
            return ExitCode.STARTUP_FAILED.code();
        }
        WorldBackup world = worldBackup(etcd);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(etcd, status, world) : table(etcd, status, world));
        out.flush();
        return ExitCode.GRACEFUL.code();
    }

    /** Reads the world's last backup; a failure to read is shown as the backup's problem, not as an error. */
    private WorldBackup worldBackup(EtcdSettings etcd) {
        WorldViewLocation location = WorldOptions.location(Optional.ofNullable(worldStore), timeout,
                leadershipOptions::usageError);
        try (SystemClock clock = SystemClock.create("vvm-status-clock");
             Leadership reader = EtcdLeaderships.connect(etcd, new Candidate("vvmhost-status", "", 0,
                     clock.instant()), clock)) {
            return WorldBackup.read(location, reader.data(), clock);
        } catch (RuntimeException e) {
            return new WorldBackup(location.description(), Optional.empty(),
                    List.of(e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    static String json(EtcdSettings etcd, ElectionStatus status, WorldBackup world) {
        StatusView view = new StatusView(status.election(), etcd.endpoints().stream().map(Object::toString).toList(),
                status.leader().map(entry -> CandidateView.of(entry, true)).orElse(null),
                status.waiting().stream().map(entry -> CandidateView.of(entry, false)).toList(),
                WorldStatusView.of(world));
        try {
            return JSON.writeValueAsString(view) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status as JSON", e);
        }
    }

    static String table(EtcdSettings etcd, ElectionStatus status, WorldBackup world) {
        StringBuilder text = new StringBuilder();
        String nl = System.lineSeparator();
        text.append("election '").append(status.election()).append("' on etcd ").append(etcd.endpoints()).append(nl);
        if (status.leader().isEmpty()) {
            text.append("no leader: no candidate is in the election").append(nl);
            text.append(world.line()).append(nl);
            return text.toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ROLE", "ID", "HOST", "PID", "LEADER SINCE", "FENCING TOKEN", "STARTED", "API", "KEY"});
        ElectionStatus.Entry leader = status.leader().get();
        rows.add(row("leader", leader, time(leader.leaderSince()),
                leader.fencingToken().map(FencingToken::toString).orElse("-")));
        for (ElectionStatus.Entry waiting : status.waiting()) {
            rows.add(row("waiting", waiting, "-", "-"));
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            text.append(line.toString().stripTrailing()).append(nl);
        }
        text.append(status.waiting().size()).append(" waiting").append(nl);
        text.append(world.line()).append(nl);
        return text.toString();
    }

    private static String[] row(String role, ElectionStatus.Entry entry, String since, String token) {
        return new String[] {role, entry.id(), entry.host().isEmpty() ? "-" : entry.host(),
            entry.pid() == 0 ? "-" : Long.toString(entry.pid()), since, token, time(entry.startedAt()),
            entry.advertiseUrl().isEmpty() ? "-" : entry.advertiseUrl(), entry.key()};
    }

    private static String time(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse("-");
    }

    /** The JSON document: {@code leader} is null when nobody leads. */
    record StatusView(String election, List<String> endpoints, CandidateView leader, List<CandidateView> waiting,
                      WorldStatusView world) {
    }

    /**
     * The world's last backup; {@code lastBackup} is null when there is none, and {@code manifestDamage} says why the
     * manifest could not be used (null when it could).
     */
    record WorldStatusView(String store, BackupView lastBackup, List<String> problems, String manifestDamage) {

        static WorldStatusView of(WorldBackup backup) {
            return new WorldStatusView(backup.store(), backup.last().map(header -> new BackupView(header.tick(),
                    WorldBackup.hash(header), header.population(), header.seed())).orElse(null), backup.problems(),
                    backup.damage().orElse(null));
        }
    }

    /** One world view: the hash is hexadecimal, as in the log lines. */
    record BackupView(long tick, String hash, long population, long seed) {
    }

    /**
     * One candidate; times are ISO-8601. The fencing token ({@code <epoch>:<revision>}, as in the logs), its epoch and
     * leader-since are the leader's only, once it confirmed its win; {@code advertiseUrl} is where its HTTP API
     * answers, if it advertises one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CandidateView(String id, String host, Long pid, String startedAt, String leaderSince, String fencingToken,
                         Long epoch, Long createRevision, String key, String advertiseUrl) {

        static CandidateView of(ElectionStatus.Entry entry, boolean leader) {
            Optional<FencingToken> token = leader ? entry.fencingToken() : Optional.empty();
            return new CandidateView(entry.id(), entry.host().isEmpty() ? null : entry.host(),
                    entry.pid() == 0 ? null : entry.pid(), entry.startedAt().map(Instant::toString).orElse(null),
                    leader ? entry.leaderSince().map(Instant::toString).orElse(null) : null,
                    token.map(FencingToken::toString).orElse(null), token.map(FencingToken::epoch).orElse(null),
                    entry.createRevision(), entry.key(), entry.advertiseUrl().isEmpty() ? null : entry.advertiseUrl());
        }
    }
}
