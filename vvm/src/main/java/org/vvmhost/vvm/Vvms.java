package org.vvmhost.vvm;

import java.util.List;
import java.util.Objects;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.time.Clock;

/** Creates VVMs. The implementation is package-private. */
public final class Vvms {

    private Vvms() {
    }

    /**
     * A VVM in state PROVIDED: nothing runs until {@link Vvm#launch()}.
     *
     * @param settings   the acquisition timeout and the kill delay
     * @param leadership the candidate's leadership; the VVM campaigns with it, but does not close it
     * @param services   started in this order while the VVM leads, stopped in reverse
     * @param clock      all timing: the acquisition timeout, the bound on release and the killer
     * @param terminator what the killer calls when the process did not exit within the kill delay
     * @param listener   lifecycle events, called on the VVM's threads
     */
    public static Vvm provide(VvmSettings settings, Leadership leadership, List<Service> services,
                              Clock clock, Terminator terminator, VvmListener listener) {
        Objects.requireNonNull(services, "services");
        for (int i = 0; i < services.size(); i++) {
            Objects.requireNonNull(services.get(i), "services[" + i + "]");
        }
        return new LeasedVvm(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(leadership, "leadership"), List.copyOf(services),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(terminator, "terminator"),
                Objects.requireNonNull(listener, "listener"));
    }
}
