package org.vvmhost.vvm;

/**
 * Ends the process when the killer fires: leadership was lost and the process did not exit within the kill
 * delay. The host's terminator halts the JVM with its exit code for leadership loss; tests record the call.
 */
@FunctionalInterface
public interface Terminator {

    void halt();

    /** Halts the JVM at once with {@code status}, without shutdown hooks: the killer's last resort. */
    static Terminator runtimeHalt(int status) {
        return () -> Runtime.getRuntime().halt(status);
    }
}
