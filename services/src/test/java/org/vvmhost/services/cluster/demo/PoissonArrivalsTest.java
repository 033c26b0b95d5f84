package org.vvmhost.services.cluster.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vvmhost.time.Clock;
import org.vvmhost.time.ManualClock;

class PoissonArrivalsTest {

    private static final Duration HORIZON = Duration.ofSeconds(10);
    private static final double RATE = 1000;

    @Test
    void onTimeArrivalsComeAtTheAskedRateAndStopAtTheHorizon() {
        ManualClock clock = new ManualClock();
        List<Long> times = run(clock, clock);

        assertThat(times).isSorted().allMatch(t -> t < HORIZON.toNanos());
        // 10,000 expected; a Poisson count stays within 4 standard deviations (400) of it.
        assertThat(times.size()).isBetween(9_600, 10_400);
    }

    /**
     * A timer thread that runs every task late (as a busy machine does) delays arrivals, but on the absolute
     * timeline it does not thin them out: scheduling each gap from when the previous arrival came would add 0.3 ms
     * to every 1 ms gap and send about a quarter fewer.
     */
    @Test
    void lateTimersDelayArrivalsButDoNotLowerTheRate() {
        ManualClock onTime = new ManualClock();
        List<Long> planned = run(onTime, onTime);
        ManualClock base = new ManualClock();
        LateClock late = new LateClock(base, Duration.ofNanos(300_000));

        PoissonArrivals arrivals = new PoissonArrivals(late, 7, RATE, HORIZON, () -> { });
        arrivals.start();
        base.schedule(HORIZON, arrivals::stop);
        base.advance(HORIZON.plusSeconds(1));

        assertThat(arrivals.fired() + arrivals.missed()).isEqualTo(planned.size());
        assertThat(arrivals.fired()).isGreaterThanOrEqualTo(planned.size() - planned.size() / 100);
        assertThat(arrivals.maxLateness()).isGreaterThanOrEqualTo(Duration.ofNanos(300_000))
                .isLessThan(Duration.ofMillis(5));
    }

    @Test
    void arrivalsDueAtTheStopThatNeverCameAreCountedAsMissed() {
        ManualClock base = new ManualClock();
        // A clock so late that nothing comes within the horizon.
        LateClock stalled = new LateClock(base, HORIZON.plusSeconds(1));
        PoissonArrivals arrivals = new PoissonArrivals(stalled, 7, RATE, HORIZON, () -> { });
        arrivals.start();
        base.schedule(HORIZON, arrivals::stop);
        base.advance(HORIZON.plusSeconds(2));

        ManualClock onTime = new ManualClock();
        assertThat(arrivals.fired()).isZero();
        assertThat(arrivals.missed()).isEqualTo(run(onTime, onTime).size());
    }

    /** Arrival times (from the start) of seed 7, stopped at the horizon on {@code base}. */
    private static List<Long> run(Clock clock, ManualClock base) {
        List<Long> times = new ArrayList<>();
        long origin = clock.nanoTime();
        PoissonArrivals arrivals = new PoissonArrivals(clock, 7, RATE, HORIZON,
                () -> times.add(clock.nanoTime() - origin));
        arrivals.start();
        base.schedule(HORIZON, arrivals::stop);
        base.advance(HORIZON.plusSeconds(1));
        assertThat(arrivals.fired()).isEqualTo(times.size());
        assertThat(arrivals.missed()).isZero();
        return times;
    }

    /** Runs every task {@code lateness} after it was due. */
    private record LateClock(ManualClock base, Duration lateness) implements Clock {
        @Override
        public long nanoTime() {
            return base.nanoTime();
        }

        @Override
        public Instant instant() {
            return base.instant();
        }

        @Override
        public Scheduled schedule(Duration delay, Runnable task) {
            return base.schedule(delay.plus(lateness), task);
        }
    }
}
