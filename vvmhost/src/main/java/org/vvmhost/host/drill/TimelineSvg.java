package org.vvmhost.host.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry of a timeline: one lane per replica over a window of time, in SVG user units, for the report's
 * template to draw. Pure: the same run and window give the same picture. Time runs left to right; each lane shows
 * its spans (standby, leading with the fencing token, frozen, deposed, stopping), its marks (services started, world
 * views saved, signals, the exit) and, across lanes, each round's band, the failover gap and the data lost.
 */
final class TimelineSvg {

    /** The narrowest column of lane names; longer names (a deployment's replica ids) widen it. */
    static final int LABEL_WIDTH = 64;
    static final int LANE_HEIGHT = 26;
    static final int LANE_GAP = 14;
    static final int TOP = 46;
    static final int AXIS_HEIGHT = 22;

    /** A rectangle: a span of a lane, or a round's band, or a fault of etcd. */
    record Box(double x, double y, double width, double height, String css, String label, double labelX,
            String title) {
        Box {
            x = round(x);
            y = round(y);
            width = round(width);
            height = round(height);
            labelX = round(labelX);
        }
    }

    /**
     * A mark at a point of a lane, drawn as {@code shape} (an SVG path relative to the point: the lane's top left at
     * that time), with its label at {@code (labelDx, labelDy)} from it.
     */
    record Mark(double x, double y, String css, String shape, String label, double labelDx, double labelDy,
            String title) {
        Mark {
            x = round(x);
            y = round(y);
        }
    }

    /** A failover gap: from the old leader's stop to the successor's {@code leadership acquired}. */
    record Gap(double x1, double x2, double y, String css, String label, String title) {
        Gap {
            x1 = round(x1);
            x2 = round(x2);
            y = round(y);
        }

        /** Where its label goes: centred, and never off the left edge. */
        double labelX() {
            return round((x1 + x2) / 2);
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** One lane's row: its name and what is on it; {@code cuts} are its partitions from etcd. */
    record Row(String name, double y, double labelY, List<Box> spans, List<Mark> marks, List<Box> cuts) {
    }

    /** A tick of the time axis. */
    record AxisTick(double x, String label) {
    }

    /**
     * The picture. {@code id} names it in the page; {@code lanes} has one row per replica, the etcd row apart;
     * {@code left} is where time starts, right of the lane names.
     */
    record View(String id, String caption, double width, double height, double left, List<Row> lanes, Row etcd,
            List<Box> bands, List<Gap> gaps, List<AxisTick> axis, double axisY) {
    }

    private final Instant from;
    private final Instant to;
    private final double width;
    /** Time zero of every picture of one report: the drill's start. */
    private final Instant base;
    private final double left;

    private TimelineSvg(Instant from, Instant to, double width, Instant base, double left) {
        this.from = from;
        this.to = to;
        this.width = width;
        this.base = base;
        this.left = left;
    }

    /**
     * The timeline of {@code lanes} between {@code from} and {@code to}, {@code width} units wide; {@code detailed}
     * adds the services-started marks and the data lost to the round bands, for a zoomed picture.
     */
    static View render(String id, String caption, DrillRun run, List<Lane> lanes, Instant from, Instant to,
            double width, boolean detailed) {
        int longest = lanes.stream().mapToInt(lane -> lane.replica().length()).max().orElse(0);
        double left = Math.max(LABEL_WIDTH, 7.5 * longest + 12);
        return new TimelineSvg(from, to, width, run.start(), left).view(id, caption, run, lanes, detailed);
    }

    private View view(String id, String caption, DrillRun run, List<Lane> lanes, boolean detailed) {
        List<Row> rows = new ArrayList<>();
        double y = TOP;
        for (Lane lane : lanes) {
            rows.add(row(lane, y, detailed));
            y += LANE_HEIGHT + LANE_GAP;
        }
        Row etcd = etcdRow(run, y);
        y += LANE_HEIGHT + LANE_GAP;
        double bottom = y;
        List<Box> bands = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        for (Round round : run.rounds()) {
            Instant bandEnd = round.faultEndedAt();
            if (round.servicesMillis().isPresent()) {
                Instant services = plus(round.faultAt(), round.servicesMillis().getAsDouble());
                bandEnd = services.isAfter(bandEnd) ? services : bandEnd;
            }
            if (bandEnd.isBefore(from) || round.faultAt().isAfter(to)) {
                continue;
            }
            double x1 = x(round.faultAt());
            double x2 = Math.max(x(bandEnd), x1 + 2);
            String loss = round.leaderChanged() ? "lost " + round.lost() + " ticks" : "term kept";
            bands.add(new Box(x1, TOP - 34, x2 - x1, bottom - TOP + 26, round.problems().isEmpty() ? "band"
                    : "band broken", "#" + round.number() + " " + round.kind() + (detailed ? " · " + loss : ""),
                    x1 + 2, "round " + round.number() + ": " + round.kind().description()
                            + (round.detail().isEmpty() ? "" : "; " + round.detail()) + "; " + loss));
            if (round.gapMillis().isPresent()) {
                gaps.add(gap(round, lanes, rows));
            }
        }
        List<AxisTick> axis = axis(bottom + 4);
        bands = shortenLabels(bands);
        return new View(id, caption, width, bottom + AXIS_HEIGHT + 8, left, rows, etcd, bands, gaps, axis,
                bottom + 4);
    }

    private Row row(Lane lane, double y, boolean detailed) {
        List<Box> spans = new ArrayList<>();
        for (Lane.Span span : lane.spans()) {
            if (span.to().isBefore(from) || span.from().isAfter(to)) {
                continue;
            }
            double x1 = x(span.from());
            double x2 = Math.max(x(span.to()), x1 + 1);
            String css = "span " + span.state().name().toLowerCase(Locale.ROOT);
            boolean room = x2 - x1 > 7 * span.label().length() + 6;
            spans.add(new Box(x1, y, x2 - x1, LANE_HEIGHT, css, room ? span.label() : "", x1 + 4,
                    lane.replica() + " " + describe(span)));
        }
        List<Mark> marks = new ArrayList<>();
        for (Lane.Mark mark : lane.marks().stream().sorted(java.util.Comparator.comparing(Lane.Mark::at)).toList()) {
            if (mark.at().isBefore(from) || mark.at().isAfter(to)
                    || !detailed && mark.kind() == Lane.MarkKind.SERVICES_STARTED) {
                continue;
            }
            marks.add(mark(mark.kind(), x(mark.at()), y, mark.label(), lane.replica() + ": " + mark.label() + " at "
                    + offset(mark.at())));
        }
        List<Box> cuts = new ArrayList<>();
        for (Lane.Cut cut : lane.cuts()) {
            if (!cut.to().isBefore(from) && !cut.from().isAfter(to)) {
                double x1 = x(cut.from());
                cuts.add(new Box(x1, y - 5, Math.max(x(cut.to()) - x1, 2), 4, "cut", "", x1, lane.replica()
                        + " cut off from etcd from " + offset(cut.from()) + " to " + offset(cut.to())));
            }
        }
        return new Row(lane.replica(), y, y + LANE_HEIGHT / 2.0 + 4, spans, unclutter(marks), cuts);
    }

    /** The etcd row: each etcd fault as a box from its start to its end, and the drill's etcd events as marks. */
    private Row etcdRow(DrillRun run, double y) {
        List<Box> faults = new ArrayList<>();
        for (Round round : run.rounds()) {
            if (!round.kind().etcdFault() || round.faultEndedAt().isBefore(from) || round.faultAt().isAfter(to)) {
                continue;
            }
            double x1 = x(round.faultAt());
            double x2 = Math.max(x(round.faultEndedAt()), x1 + 2);
            faults.add(new Box(x1, y, x2 - x1, LANE_HEIGHT, "span etcd-fault", "", x1 + 3,
                    "etcd: " + round.detail()));
        }
        List<Mark> marks = new ArrayList<>();
        for (DrillEvent event : run.events()) {
            if (event.lane().equals(DrillEvent.ETCD_LANE) && !event.at().isBefore(from) && !event.at().isAfter(to)) {
                marks.add(mark(Lane.MarkKind.SIGNAL, x(event.at()), y, event.label(), "etcd: " + event.label()
                        + " at " + offset(event.at())));
            }
        }
        return new Row(DrillEvent.ETCD_LANE, y, y + LANE_HEIGHT / 2.0 + 4, faults, unclutter(marks), List.of());
    }

    /** A round's label that would run into the next round's band keeps only its number. */
    private static List<Box> shortenLabels(List<Box> bands) {
        List<Box> shortened = new ArrayList<>();
        for (int i = 0; i < bands.size(); i++) {
            Box band = bands.get(i);
            double room = i + 1 < bands.size() ? bands.get(i + 1).x() - band.labelX() : Double.MAX_VALUE;
            String label = band.label();
            if (6.2 * label.length() > room && label.indexOf(' ') > 0) {
                label = label.substring(0, label.indexOf(' '));
            }
            shortened.add(new Box(band.x(), band.y(), band.width(), band.height(), band.css(), label, band.labelX(),
                    band.title()));
        }
        return shortened;
    }

    /**
     * Drops the labels that would overlap the one before on the same row (the mark and its tooltip stay): the zoomed
     * pictures show them apart.
     */
    private static List<Mark> unclutter(List<Mark> marks) {
        List<Mark> kept = new ArrayList<>();
        double free = Double.NEGATIVE_INFINITY;
        for (Mark mark : marks) {
            if (mark.label().isEmpty()) {
                kept.add(mark);
                continue;
            }
            double half = 3.2 * mark.label().length();
            double left = mark.x() + mark.labelDx() - (mark.labelDx() == 0 ? half : 0);
            if (left < free) {
                kept.add(new Mark(mark.x(), mark.y(), mark.css(), mark.shape(), "", 0, 0, mark.title()));
            } else {
                kept.add(mark);
                free = left + 2 * half + 4;
            }
        }
        return kept;
    }

    /**
     * A mark's shape: a signal or fault is a triangle above the lane with its name, a saved view a tick on the lane's
     * bottom edge, services started a diamond on its top edge, the exit a bar with the exit code.
     */
    private static Mark mark(Lane.MarkKind kind, double x, double y, String label, String title) {
        String css = "mark " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (kind) {
            case SIGNAL -> new Mark(x, y, css, "M-5,-10H5L0,-1Z", label, 0, -13, title);
            case SAVED_VIEW -> new Mark(x, y, css, "M0," + (LANE_HEIGHT - 8) + "V" + LANE_HEIGHT, "", 0, 0, title);
            case SERVICES_STARTED -> new Mark(x, y, css, "M0,-4L4,0L0,4L-4,0Z", "", 0, 0, title);
            case EXIT -> new Mark(x, y, css, "M-1.5,0H1.5V" + LANE_HEIGHT + "H-1.5Z", label, 4,
                    LANE_HEIGHT / 2.0 + 4, title);
        };
    }

    /** The gap of a round that changed leaders, drawn on the successor's lane. */
    private Gap gap(Round round, List<Lane> lanes, List<Row> rows) {
        Instant acquired = plus(round.faultAt(), round.failoverMillis().orElse(0));
        Instant stopped = plus(acquired, -round.gapMillis().orElse(0));
        double y = TOP - 4;
        for (int i = 0; i < lanes.size(); i++) {
            if (lanes.get(i).replica().equals(round.newReplica().orElse(""))) {
                y = rows.get(i).y() - 3;
            }
        }
        double gap = round.gapMillis().orElse(0);
        return new Gap(x(stopped), x(acquired), y, gap < 0 ? "gap overlap" : "gap",
                String.format(Locale.ROOT, "%s %.0f ms", gap < 0 ? "OVERLAP" : "gap", Math.abs(gap)),
                String.format(Locale.ROOT, "round %d: %s stopped acting at %s, %s acquired leadership at %s; failover "
                                + "%.0f ms from the fault", round.number(), round.oldReplica(), offset(stopped),
                        round.newReplica().orElse("?"), offset(acquired), round.failoverMillis().orElse(0)));
    }

    private List<AxisTick> axis(double y) {
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        double[] steps = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600};
        double step = steps[steps.length - 1];
        for (double candidate : steps) {
            if (seconds / candidate <= 12) {
                step = candidate;
                break;
            }
        }
        List<AxisTick> ticks = new ArrayList<>();
        double firstOffset = Duration.between(base, from).toMillis() / 1000.0;
        double first = Math.ceil(firstOffset / step) * step;
        for (double t = first; t <= firstOffset + seconds + 1e-9; t += step) {
            ticks.add(new AxisTick(x(plus(base, t * 1000)), step < 1
                    ? String.format(Locale.ROOT, "%.1f s", t) : String.format(Locale.ROOT, "%.0f s", t)));
        }
        return ticks;
    }

    private String offset(Instant at) {
        return String.format(Locale.ROOT, "%.3f s", Duration.between(base, at).toNanos() / 1e9);
    }

    private String describe(Lane.Span span) {
        String what = switch (span.state()) {
            case STARTING -> "starting";
            case STANDBY -> "standing by";
            case LEADING -> "leading, fencing token " + span.label();
            case FROZEN -> "frozen (SIGSTOP)";
            case DEPOSED -> "resumed, deposed";
            case STOPPING -> "stopping";
        };
        return what + " from " + offset(span.from()) + " to " + offset(span.to());
    }

    private double x(Instant at) {
        double total = Duration.between(from, to).toNanos();
        double t = Duration.between(from, at).toNanos();
        double clamped = Math.max(0, Math.min(total, t));
        return left + (width - left - 8) * (total <= 0 ? 0 : clamped / total);
    }

    private static Instant plus(Instant at, double millis) {
        return at.plusNanos((long) (millis * 1e6));
    }
}
