package org.vvmhost.host.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Sends POSIX signals to processes through the shell's {@code kill}: the JDK sends only TERM and KILL itself. */
final class Signals {

    private Signals() {
    }

    static void send(Signal signal, long pid) {
        int exit = run(signal, pid);
        if (exit != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed with exit code " + exit);
        }
    }

    /** Like {@link #send}, ignoring a process that is gone. */
    static void sendQuietly(Signal signal, long pid) {
        run(signal, pid);
    }

    private static int run(Signal signal, long pid) {
        try {
            // The shell's own kill: a slim image may have no kill program.
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " did not return within 10s");
            }
            return kill.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal + " to " + pid, e);
        }
    }
}
