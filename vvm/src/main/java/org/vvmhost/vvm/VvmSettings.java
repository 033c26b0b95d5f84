package org.vvmhost.vvm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.time.Durations;

/**
 * @param acquireTimeout how long to campaign before giving up; empty waits forever, as a standby must
 * @param killDelay      after leadership is lost, how long the process may take to exit before the killer halts it
 */
public record VvmSettings(Optional<Duration> acquireTimeout, Duration killDelay) {

    public static final Duration DEFAULT_KILL_DELAY = Duration.ofSeconds(30);

    public VvmSettings {
        Objects.requireNonNull(acquireTimeout, "acquireTimeout");
        Objects.requireNonNull(killDelay, "killDelay");
        acquireTimeout.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("the acquire timeout must be above 0; got " + Durations.text(t));
            }
        });
        if (killDelay.isNegative() || killDelay.isZero()) {
            throw new IllegalArgumentException("the kill delay must be above 0; got " + Durations.text(killDelay));
        }
    }

    public static VvmSettings defaults() {
        return new VvmSettings(Optional.empty(), DEFAULT_KILL_DELAY);
    }
}
