package org.vvmhost.services.time;

/** Joining the threads a service owns, when it stops. */
public final class Joins {

    private Joins() {
    }

    /** Joins {@code thread} even if interrupted meanwhile; the interrupt flag is restored afterwards. */
    public static void uninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
