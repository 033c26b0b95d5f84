package org.vvmhost.host.drill;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vvmhost.leadership.FencingToken;

/**
 * What one {@code vvmhost run} replica's log says, read from its text lines and their own timestamps: whether and when
 * it waited in the election, and each term it held: its fencing token, when its services started and stopped, the
 * world view it restored, the ticks and hashes it simulated and saved, and the fenced writes refused to it.
 */
final class ReplicaLog {

    private static final Pattern ACQUIRED =
            Pattern.compile("leadership acquired: fencing token (\\d+:\\d+), leader key (\\S+?),");
    private static final Pattern WAITING = Pattern.compile("waiting for \\S+ to go \\(we are (\\S+)\\)");
    private static final Pattern WORLD_TICK = Pattern.compile("world tick (\\d+), hash ([0-9a-f]{16})");
    private static final Pattern VIEW = Pattern.compile("of tick (\\d+) \\(seed -?\\d+, hash ([0-9a-f]{16})");
    private static final Pattern SAVED_MILLIS = Pattern.compile(" in (\\d+) ms$");
    private static final Pattern STARTED = Pattern.compile("world simulation started at tick (\\d+)");
    private static final Pattern STOPPED = Pattern.compile("world simulation stopped at tick (\\d+)");
    private static final Pattern SERVICE_STOPPED = Pattern.compile(" - service \\S+ stopped$");
    private static final Pattern UNCONFIRMED_SAVE = Pattern.compile("leadership was lost while the world view of tick "
            + "(\\d+) was being written|the world view of tick (\\d+) was not confirmed");
    /** logback's {@code %d{ISO8601}}, in the local time zone that the replicas share with the drill on one machine. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /** One line: its text, and when it was written (its own timestamp, or when it arrived if it has none). */
    record Line(Instant at, String text) {
        /** {@code text} with the time it carries, or {@code arrived} for a line without one (a stack trace). */
        static Line of(String text, Instant arrived, ZoneId zone) {
            if (text.length() > 23 && Character.isDigit(text.charAt(0))) {
                try {
                    return new Line(LocalDateTime.parse(text.substring(0, 23), TIMESTAMP).atZone(zone).toInstant(),
                            text);
                } catch (DateTimeParseException e) {
                    // Not a log line of ours; the arrival time stands.
                }
            }
            return new Line(arrived, text);
        }
    }

    /** A tick and the world hash the replica computed for it, and when it said so. */
    record TickHash(long tick, String hash, Instant at) {
    }

    /** A world view the replica saved: its tick, hash, how long the write took, whether it was the final one. */
    record Save(long tick, String hash, long millis, boolean isFinal, Instant at) {
    }

    /**
     * One term, from {@code leadership acquired} to the next one or the end of the log. {@code servicesStopped} is the
     * last {@code service … stopped} line of the term: from then on it acts no more. {@code journalOutcomeUnknown}:
     * the leader stopped because etcd left a command journal write's outcome unknown.
     */
    record TermLog(FencingToken token, String leaderKey, Instant acquired, Optional<Instant> servicesStarted,
            Optional<Instant> servicesStopped, Optional<Instant> released, Optional<Instant> lost,
            Optional<TickHash> restored, boolean restoredPreloaded, boolean startedFresh,
            OptionalLong stoppedAtTick, List<Save> saves, List<TickHash> progress, long failedSaves,
            long fencedRefusals, long refusalsByEtcd, boolean journalOutcomeUnknown, List<Line> lines) {

        TermLog {
            saves = List.copyOf(saves);
            progress = List.copyOf(progress);
            lines = List.copyOf(lines);
        }

        /**
         * When this replica learnt that its term was over: its {@code leadership lost} line or the first write the
         * fence refused, whichever came first. It may still step a tick in memory after that, without the commands of
         * its refused journal write, until its services stop.
         */
        Optional<Instant> deposed() {
            return lines.stream().filter(line -> line.text().contains(" - leadership lost: ") || refused(line.text()))
                    .map(Line::at).findFirst();
        }

        /**
         * The ticks of the views whose write it did not see confirmed (given up as its term ended, or failed with no
         * answer from etcd): etcd may have taken them while the term's key stood.
         */
        Set<Long> unconfirmedSaves() {
            Set<Long> ticks = new HashSet<>();
            for (Line line : lines) {
                Matcher unconfirmed = UNCONFIRMED_SAVE.matcher(line.text());
                if (unconfirmed.find()) {
                    ticks.add(Long.parseLong(unconfirmed.group(1) != null ? unconfirmed.group(1)
                            : unconfirmed.group(2)));
                }
            }
            return ticks;
        }

        /** The ticks it simulated with their hashes: its progress lines and the views it saved. */
        List<TickHash> simulated() {
            List<TickHash> ticks = new ArrayList<>(progress);
            saves.forEach(save -> ticks.add(new TickHash(save.tick(), save.hash(), save.at())));
            return ticks;
        }

        /** The highest tick a line written at or before {@code at} says it completed. */
        OptionalLong lastTick(Instant at) {
            long last = -1;
            for (Line line : lines) {
                if (line.at().isAfter(at)) {
                    break;
                }
                for (Pattern pattern : List.of(WORLD_TICK, STARTED, STOPPED)) {
                    Matcher m = pattern.matcher(line.text());
                    if (m.find()) {
                        last = Math.max(last, Long.parseLong(m.group(1)));
                    }
                }
            }
            for (Save save : saves) {
                if (!save.at().isAfter(at)) {
                    last = Math.max(last, save.tick());
                }
            }
            return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
        }

        /**
         * The tick it had reached at {@code at}, extrapolated at {@code tickRate} from its last line written right
         * after a tick (a progress line, or the start): the loop is paced, so this is within a tick or two. Never
         * below the highest tick logged by then.
         */
        OptionalLong tickAt(Instant at, double tickRate) {
            long anchorTick = -1;
            Instant anchor = null;
            for (Line line : lines) {
                if (line.at().isAfter(at)) {
                    break;
                }
                for (Pattern pattern : List.of(WORLD_TICK, STARTED)) {
                    Matcher m = pattern.matcher(line.text());
                    if (m.find()) {
                        anchorTick = Long.parseLong(m.group(1));
                        anchor = line.at();
                    }
                }
            }
            if (anchor == null) {
                return lastTick(at);
            }
            long estimate = anchorTick + (long) Math.floor((at.toEpochMilli() - anchor.toEpochMilli()) / 1e3
                    * tickRate);
            return OptionalLong.of(Math.max(estimate, lastTick(at).orElse(0)));
        }

        /** The slowest save of the term, in ms. */
        long slowestSaveMillis() {
            return saves.stream().mapToLong(Save::millis).max().orElse(0);
        }
    }

    private final List<Line> lines;
    private final List<TermLog> terms;

    private ReplicaLog(List<Line> lines) {
        this.lines = List.copyOf(lines);
        this.terms = parseTerms(this.lines);
    }

    static ReplicaLog of(List<Line> lines) {
        return new ReplicaLog(lines);
    }

    List<Line> lines() {
        return lines;
    }

    /** Its terms, in order. */
    List<TermLog> terms() {
        return terms;
    }

    /** Its last term, if it led. */
    Optional<TermLog> lastTerm() {
        return terms.isEmpty() ? Optional.empty() : Optional.of(terms.get(terms.size() - 1));
    }

    /** The term it held with {@code token}, if any. */
    Optional<TermLog> term(FencingToken token) {
        return terms.stream().filter(term -> term.token().equals(token)).findFirst();
    }

    /** When it first said it waits in the election as a standby. */
    Optional<Instant> waiting() {
        return first(line -> WAITING.matcher(line).find());
    }

    /** Whether a line at or after {@code since} says it waits in the election. */
    boolean waitingSince(Instant since) {
        return lines.stream().anyMatch(line -> !line.at().isBefore(since) && WAITING.matcher(line.text()).find());
    }

    /** When the world simulation first started: for the reference run. */
    Optional<Instant> simulationStarted() {
        return first(line -> STARTED.matcher(line).find());
    }

    /** The ticks any term logged, with hashes: for the reference run, which leads once on the embedded default. */
    List<TickHash> simulated() {
        List<TickHash> ticks = new ArrayList<>();
        terms.forEach(term -> ticks.addAll(term.simulated()));
        return ticks;
    }

    private Optional<Instant> first(Predicate<String> matches) {
        return lines.stream().filter(line -> matches.test(line.text())).map(Line::at).findFirst();
    }

    /**
     * A term runs from its {@code leadership acquired} to the next one, or to the line where the replica waits in the
     * election again (after a switchover its next VVM stands by), or to the end of the log.
     */
    private static List<TermLog> parseTerms(List<Line> lines) {
        List<TermLog> terms = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lines.size(); i++) {
            String text = i < lines.size() ? lines.get(i).text() : "";
            boolean acquired = ACQUIRED.matcher(text).find();
            boolean over = acquired || i == lines.size() || WAITING.matcher(text).find();
            if (over && start >= 0) {
                terms.add(term(lines.subList(start, i)));
                start = -1;
            }
            if (acquired) {
                start = i;
            }
        }
        return List.copyOf(terms);
    }

    /** One term from its lines, the first of which says {@code leadership acquired}. */
    private static TermLog term(List<Line> lines) {
        Matcher acquired = ACQUIRED.matcher(lines.get(0).text());
        acquired.find();
        Optional<Instant> servicesStarted = Optional.empty();
        Optional<Instant> servicesStopped = Optional.empty();
        Optional<Instant> released = Optional.empty();
        Optional<Instant> lost = Optional.empty();
        Optional<TickHash> restored = Optional.empty();
        boolean preloaded = false;
        boolean fresh = false;
        OptionalLong stoppedAt = OptionalLong.empty();
        List<Save> saves = new ArrayList<>();
        List<TickHash> progress = new ArrayList<>();
        long failedSaves = 0;
        long refusals = 0;
        long byEtcd = 0;
        boolean unknownOutcome = false;
        for (Line line : lines) {
            String text = line.text();
            if (text.contains(" - services started: ") && servicesStarted.isEmpty()) {
                servicesStarted = Optional.of(line.at());
            } else if (SERVICE_STOPPED.matcher(text).find()) {
                servicesStopped = Optional.of(line.at());
            } else if (text.contains(" - leadership released: fencing token") && released.isEmpty()) {
                released = Optional.of(line.at());
            } else if (text.contains(" - leadership lost: ") && lost.isEmpty()) {
                lost = Optional.of(line.at());
            } else if (text.contains(" - restoring ") && restored.isEmpty()) {
                Matcher view = VIEW.matcher(text);
                if (view.find()) {
                    restored = Optional.of(new TickHash(Long.parseLong(view.group(1)), view.group(2), line.at()));
                    preloaded = text.contains(" - restoring the preloaded ");
                }
            } else if (text.contains("spawning a fresh world")) {
                fresh = true;
            } else if (text.contains("saved world view")) {
                Matcher view = VIEW.matcher(text);
                Matcher millis = SAVED_MILLIS.matcher(text);
                if (view.find()) {
                    saves.add(new Save(Long.parseLong(view.group(1)), view.group(2),
                            millis.find() ? Long.parseLong(millis.group(1)) : 0, text.contains("final backup: "),
                            line.at()));
                }
            } else if (text.contains(" was not confirmed, so etcd holds it or the previous one")) {
                failedSaves++;
            }
            Matcher tick = WORLD_TICK.matcher(text);
            if (tick.find()) {
                progress.add(new TickHash(Long.parseLong(tick.group(1)), tick.group(2), line.at()));
            }
            Matcher stopped = STOPPED.matcher(text);
            if (stopped.find()) {
                stoppedAt = OptionalLong.of(Long.parseLong(stopped.group(1)));
            }
            if (refused(text)) {
                refusals++;
            }
            if (text.contains("write fenced off")) {
                byEtcd++;
            }
            if (text.contains("a command journal write for tick") && text.contains("has an unknown outcome")) {
                unknownOutcome = true;
            }
        }
        return new TermLog(FencingToken.parse(acquired.group(1)), acquired.group(2), lines.get(0).at(),
                servicesStarted, servicesStopped, released, lost, restored, preloaded, fresh, stoppedAt, saves,
                progress, failedSaves, refusals, byEtcd, unknownOutcome, lines);
    }

    /** A line that says the fence refused one of the replica's writes. */
    private static boolean refused(String text) {
        return text.contains("FencedWriteRejected") || text.contains("was deposed") || text.contains("no longer leads")
                || text.contains("write refused: the term");
    }
}
