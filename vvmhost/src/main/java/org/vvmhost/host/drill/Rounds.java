package org.vvmhost.host.drill;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The rounds of a drill, either target: each after its dwell, and printed as a table row as it ends. */
final class Rounds {

    private Rounds() {
    }

    /** One round of a target: the fault of {@code kind}, its outcome and what it cost. */
    @FunctionalInterface
    interface Step {
        Round run(int number, FaultKind kind, boolean last) throws InterruptedException;
    }

    /**
     * Runs the rounds of {@code settings}' plan. Before each, the dwell plus up to one backup interval at random from
     * {@code random}, so that a crash lands anywhere between two world views.
     */
    static List<Round> run(DrillSettings settings, Random random, PrintWriter out, Step step)
            throws InterruptedException {
        out.println(DrillText.header());
        out.flush();
        List<Round> rounds = new ArrayList<>();
        List<FaultKind> plan = settings.plan();
        for (int number = 1; number <= plan.size(); number++) {
            long jitter = random.nextInt((int) Math.max(1, settings.backupPeriod().toMillis()));
            TimeUnit.MILLISECONDS.sleep(settings.dwell().toMillis() + jitter);
            Round round = step.run(number, plan.get(number - 1), number == plan.size());
            rounds.add(round);
            out.println(DrillText.row(round));
            out.flush();
        }
        return rounds;
    }
}
