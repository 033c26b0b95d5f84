package org.vvmhost.host.drill;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.time.Durations;

/**
 * Writes a drill's report: {@code report.json} (everything the drill measured, for tools) and {@code report.html}, one
 * self-contained page (inline CSS and SVG, nothing fetched) with the timeline, the rounds, the figures per kind and the
 * audit's verdicts. The replicas' logs are already beside them, in {@code logs/}.
 */
final class DrillReports {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final double OVERVIEW_WIDTH = 1400;
    private static final double ZOOM_WIDTH = 680;
    private static final Duration ZOOM_MARGIN = Duration.ofMillis(700);

    private DrillReports() {
    }

    static void write(DrillRun run, Path dir) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("report.json").toFile(), json(run));
            Mustache template = new DefaultMustacheFactory("org/vvmhost/host/drill").compile("report.html.mustache");
            try (Writer out = Files.newBufferedWriter(dir.resolve("report.html"), StandardCharsets.UTF_8)) {
                template.execute(out, html(run, dir)).flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drill's report to " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---- report.json

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReportJson(String verdict, List<String> failures, String start, String end, double seconds,
            SettingsJson settings, List<RoundJson> rounds, List<KindJson> kinds, List<VerdictJson> verdicts,
            AuditJson audit, LoadJson load, List<LaneJson> lanes, List<EventJson> events, String etcd) {
    }

    /** The client load and the audit of its commands; absent without one. */
    record LoadJson(int commandsPerSecond, int commandsPerRequest, long requests, long ackedRequests,
            long ackedCommands, long unacknowledgedRequests, long retries, long redirects, List<String> refused,
            long journalEntries, long journaledCommands, List<String> lost, List<String> appliedTwice,
            List<String> damaged) {
    }

    record SettingsJson(String target, List<String> kinds, int rounds, Long shuffle, int replicas, String leaseTtl,
            String renewDeadline, String dwell, String faultDuration, double tickRate, int backupInterval,
            List<String> worldArguments, int commandsPerSecond, String election) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RoundJson(int number, String kind, String detail, String oldReplica, String oldToken, String newReplica,
            String newToken, boolean leaderChanged, double faultAtMs, double faultEndedAtMs, Double failoverMs,
            Double servicesMs, Double gapMs, Long oldTick, Boolean oldTickEstimated, Long restoredTick,
            Boolean preloaded, Long lost, Long bound, long refused, Integer oldExitCode, Double actedAfterResumeMs,
            Double unavailableMs, List<String> problems) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KindJson(String kind, int rounds, int failovers, Double failoverMedianMs, Double failoverMaxMs,
            Double servicesMedianMs, Double servicesMaxMs, long maxLost, long bound, Double unavailableMedianMs,
            Double unavailableMaxMs) {
    }

    record VerdictJson(String name, boolean pass, String detail) {
    }

    record AuditJson(long lastRevision, List<String> fencingTokens, boolean tokensIncrease, long dataWrites,
            long manifestWrites, long chunkWrites, List<String> deposedWrites, List<String> overlaps,
            boolean overlapsJudged, boolean continuityChecked, int continuityCompared,
            List<String> continuityMismatches) {
    }

    record LaneJson(String replica, double fromMs, double toMs, List<SpanJson> spans, List<MarkJson> marks) {
    }

    record SpanJson(String state, double fromMs, double toMs, String label) {
    }

    record MarkJson(String kind, double atMs, String label) {
    }

    record EventJson(double atMs, String lane, String label, int round) {
    }

    static ReportJson json(DrillRun run) {
        DrillSettings settings = run.settings();
        Instant start = run.start();
        SettingsJson settingsJson = new SettingsJson(settings.target() instanceof DrillTarget.Local ? "local"
                : "external", settings.kinds().stream().map(Enum::name).toList(), settings.rounds(),
                settings.shuffle().isPresent() ? settings.shuffle().getAsLong() : null, settings.replicas(),
                Durations.text(settings.lease().ttl()), Durations.text(settings.lease().renewDeadline()),
                Durations.text(settings.dwell()), Durations.text(settings.faultDuration()), settings.tickRate(),
                settings.backupInterval(), settings.worldArguments(), settings.commandsPerSecond(),
                settings.election());
        List<RoundJson> rounds = run.rounds().stream().map(round -> {
            boolean changed = round.leaderChanged();
            return new RoundJson(round.number(), round.kind().name(), round.detail(), round.oldReplica(),
                    round.oldToken().toString(), round.newReplica().orElse(null),
                    round.newToken().map(FencingToken::toString).orElse(null), changed, ms(start, round.faultAt()),
                    ms(start, round.faultEndedAt()), boxed(round.failoverMillis()), boxed(round.servicesMillis()),
                    boxed(round.gapMillis()), changed ? round.oldTick() : null,
                    changed ? round.oldTickEstimated() : null, changed ? round.restoredTick() : null,
                    changed ? round.preloaded() : null, changed ? round.lost() : null, changed ? round.bound() : null,
                    round.refused(), round.oldExitCode().orElse(null), boxed(round.actedAfter()),
                    boxed(round.unavailable()), round.problems());
        }).toList();
        List<KindJson> kinds = DrillText.kinds(run).stream().map(kind -> new KindJson(kind.kind().name(),
                kind.rounds(), kind.failovers(), boxed(kind.failover().median()), boxed(kind.failover().max()),
                boxed(kind.services().median()), boxed(kind.services().max()), kind.maxLost(), kind.bound(),
                boxed(kind.unavailable().median()), boxed(kind.unavailable().max()))).toList();
        List<VerdictJson> verdicts = DrillText.verdicts(run).stream()
                .map(verdict -> new VerdictJson(verdict.name(), verdict.pass(), verdict.detail())).toList();
        EtcdHistory.Audit audit = run.audit();
        AuditJson auditJson = new AuditJson(audit.lastRevision(), audit.tenures().stream()
                .map(EtcdHistory.Tenure::describeToken).toList(), audit.tokensIncrease(), audit.dataWrites(),
                audit.manifestWrites().size(), audit.chunkWrites(), audit.deposedWrites(), run.overlaps(),
                run.judged(), run.continuity().hadReference(), run.continuity().compared(),
                run.continuity().mismatches());
        List<LaneJson> lanes = run.lanes().stream().map(lane -> new LaneJson(lane.replica(), ms(start, lane.from()),
                ms(start, lane.to()), lane.spans().stream().map(span -> new SpanJson(span.state().name(),
                        ms(start, span.from()), ms(start, span.to()), span.label())).toList(),
                lane.marks().stream().map(mark -> new MarkJson(mark.kind().name(), ms(start, mark.at()),
                        mark.label())).toList())).toList();
        List<EventJson> events = run.events().stream().map(event -> new EventJson(ms(start, event.at()),
                event.lane(), event.label(), event.round())).toList();
        LoadJson load = run.load().map(commands -> {
            CommandLoad.Result client = commands.client();
            CommandAudit.Result journal = commands.audit();
            return new LoadJson(client.commandsPerSecond(), client.commandsPerRequest(), client.requests(),
                    client.acks().size(), client.ackedCommands(), client.unacknowledged(), client.retries(),
                    client.redirects(), client.refused(), journal.entries(), journal.journaled(), journal.lost(),
                    journal.twice(), journal.damaged());
        }).orElse(null);
        List<String> failures = DrillText.failures(run);
        return new ReportJson(failures.isEmpty() ? "PASS" : "FAIL", failures, start.toString(), run.end().toString(),
                ms(start, run.end()) / 1000, settingsJson, rounds, kinds, verdicts, auditJson, load, lanes, events,
                run.etcdNotes().orElse(null));
    }

    // ---- report.html

    /** What the template fills in. */
    record Page(String verdict, boolean passed, String subtitle, List<String> settings, TimelineSvg.View overview,
            List<TimelineSvg.View> zooms, List<RoundRow> rounds, String legend, List<KindRow> kinds,
            List<DrillText.Verdict> verdicts, List<String> failures, List<LogLink> logs, String etcd,
            List<LegendItem> key) {
    }

    record RoundRow(int number, String kind, String detail, String old, String next, String failover,
            String services, String gap, String oldTick, String restored, String lost, String bound, long refused,
            String client, String exit, String problems, boolean broken) {
    }

    record KindRow(String kind, int rounds, int failovers, String failover, String services, long maxLost,
            String bound, String client) {
    }

    record LogLink(String name, String href) {
    }

    /** One entry of the timeline's key: a swatch of {@code css} and what it means. */
    record LegendItem(String css, String text, boolean mark, String shape) {
    }

    static Page html(DrillRun run, Path dir) throws IOException {
        DrillSettings settings = run.settings();
        List<String> failures = DrillText.failures(run);
        boolean passed = failures.isEmpty();
        TimelineSvg.View overview = TimelineSvg.render("overview", "Who led when: every replica's lane over the "
                + "whole drill", run, run.lanes(), run.start(), run.end(), OVERVIEW_WIDTH, false);
        List<TimelineSvg.View> zooms = new ArrayList<>();
        for (Round round : run.rounds()) {
            Instant from = round.faultAt().minus(ZOOM_MARGIN);
            Instant to = round.faultEndedAt();
            if (round.servicesMillis().isPresent()) {
                Instant services = round.faultAt().plusNanos((long) (round.servicesMillis().getAsDouble() * 1e6));
                to = services.isAfter(to) ? services : to;
            }
            Instant zoomTo = to.plus(ZOOM_MARGIN);
            // The replicas that ran during the round: the old leader, its successor, the standbys.
            List<Lane> involved = run.lanes().stream()
                    .filter(lane -> lane.from().isBefore(zoomTo) && lane.to().isAfter(from)).toList();
            zooms.add(TimelineSvg.render("round-" + round.number(), "Round " + round.number() + ": "
                    + round.kind().description() + (round.detail().isEmpty() ? "" : " (" + round.detail() + ")"),
                    run, involved, from, zoomTo, ZOOM_WIDTH, true));
        }
        List<RoundRow> rounds = run.rounds().stream().map(DrillReports::row).toList();
        List<KindRow> kinds = DrillText.kinds(run).stream().map(kind -> new KindRow(kind.kind().name(),
                kind.rounds(), kind.failovers(), kind.failover().text(), kind.services().text(), kind.maxLost(),
                kind.kind().loss() == FaultKind.Loss.NONE ? "must be 0" : "≤ " + kind.bound(),
                kind.unavailable().text())).toList();
        List<LogLink> logs = new ArrayList<>();
        Path logDir = dir.resolve("logs");
        if (Files.isDirectory(logDir)) {
            try (Stream<Path> files = Files.list(logDir)) {
                files.map(path -> path.getFileName().toString()).sorted()
                        .forEach(name -> logs.add(new LogLink(name, "logs/" + name)));
            }
        }
        String subtitle = String.format(Locale.ROOT, "%d rounds in %.0f s; %s, lease TTL %s (renew deadline %s), "
                        + "%s Hz, a world view every %d ticks", run.rounds().size(), ms(run.start(), run.end()) / 1000,
                DrillText.replicas(run), Durations.text(settings.lease().ttl()),
                Durations.text(settings.lease().renewDeadline()), DrillText.trim(settings.tickRate()),
                settings.backupInterval());
        List<String> settingLines = List.of("started " + run.start() + ", election '" + settings.election() + "'",
                "kinds " + settings.kinds() + (settings.shuffle().isPresent() ? ", shuffled with seed "
                        + settings.shuffle().getAsLong() : ", in turn") + "; dwell " + Durations.text(settings.dwell())
                        + " plus up to a backup interval; fault duration " + Durations.text(settings.faultDuration()),
                "world options: " + (settings.worldArguments().isEmpty() ? "the built-in world"
                        : String.join(" ", settings.worldArguments())) + (settings.commandsPerSecond() == 0
                        ? "; no client load" : "; a client sent " + settings.commandsPerSecond() + " commands/s"));
        return new Page(passed ? "PASS" : "FAIL", passed, subtitle, settingLines, overview, zooms, rounds,
                DrillText.legend(), kinds, DrillText.verdicts(run), failures, logs, run.etcdNotes().orElse(""),
                key());
    }

    private static List<LegendItem> key() {
        return List.of(new LegendItem("span standby", "standing by", false, ""),
                new LegendItem("span leading", "leading (fencing token)", false, ""),
                new LegendItem("span frozen", "frozen (SIGSTOP)", false, ""),
                new LegendItem("span deposed", "resumed after its term", false, ""),
                new LegendItem("span stopping", "term over, stopping", false, ""),
                new LegendItem("span etcd-fault", "etcd fault", false, ""),
                new LegendItem("cut", "cut off from etcd", true, "M1,6H15V10H1Z"),
                new LegendItem("mark signal", "signal or fault", true, "M2,3H12L7,12Z"),
                new LegendItem("mark saved-view", "world view saved", true, "M7,2V14"),
                new LegendItem("mark exit", "exit", true, "M5.5,1H8.5V15H5.5Z"),
                new LegendItem("gap", "failover gap", true, "M0,8H14"));
    }

    private static RoundRow row(Round round) {
        boolean changed = round.leaderChanged();
        return new RoundRow(round.number(), round.kind().name(), round.detail(),
                round.oldReplica() + " (" + round.oldToken() + ")",
                changed ? round.newReplica().get() + " (" + round.newToken().map(FencingToken::toString).orElse("-")
                        + ")" : "kept its term",
                DrillText.millis(round.failoverMillis()), DrillText.millis(round.servicesMillis()),
                DrillText.millis(round.gapMillis()),
                !changed ? "-" : round.oldTickEstimated() ? "~" + round.oldTick() + " (" + round.oldTickLogged() + ")"
                        : Long.toString(round.oldTick()),
                changed ? round.restoredTick() + (round.preloaded() ? " p" : "") : "-",
                changed ? Long.toString(round.lost()) : "0", changed ? (round.bound() == 0 ? "0" : "≤ " + round.bound())
                        : "-", round.refused(), DrillText.millis(round.unavailable()),
                round.oldExitCode().map(String::valueOf).orElse("running"),
                String.join("; ", round.problems()), !round.problems().isEmpty());
    }

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? Math.round(value.getAsDouble() * 10) / 10.0 : null;
    }

    private static double ms(Instant from, Instant to) {
        return Math.round(Duration.between(from, to).toNanos() / 1e5) / 10.0;
    }
}
