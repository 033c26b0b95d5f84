package org.vvmhost.testing;

import java.time.Duration;

/**
 * Real-time budgets for tests that cannot use a manual clock (real etcd, real processes). Every budget comes
 * from here, multiplied by the system property {@value #PROPERTY} (default 1), so a slow machine raises one
 * number instead of editing tests.
 */
public final class TestTiming {

    public static final String PROPERTY = "vvm.test.timeScale";

    private static final TestTiming CURRENT = new TestTiming(readScale());

    private final double scale;

    private TestTiming(double scale) {
        this.scale = scale;
    }

    public static TestTiming current() {
        return CURRENT;
    }

    public double scale() {
        return scale;
    }

    /** {@code budget} times the scale. */
    public Duration scaled(Duration budget) {
        return Duration.ofNanos((long) (budget.toNanos() * scale));
    }

    /** The generous budget for one awaited event: 10 s, scaled. */
    public Duration eventBudget() {
        return scaled(Duration.ofSeconds(10));
    }

    /** The budget for a server or process to start: 30 s, scaled. */
    public Duration startBudget() {
        return scaled(Duration.ofSeconds(30));
    }

    private static double readScale() {
        String text = System.getProperty(PROPERTY, "1").strip();
        try {
            double value = Double.parseDouble(text);
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new NumberFormatException("not positive");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property " + PROPERTY + " must be a positive number such as 1 or 2.5; got '" + text + "'",
                    e);
        }
    }
}
