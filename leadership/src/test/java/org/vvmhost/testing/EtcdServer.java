package org.vvmhost.testing;

import java.net.URI;

/** One etcd server for tests, whichever way it runs. */
interface EtcdServer extends AutoCloseable {

    /** How it runs, for log lines. */
    String description();

    /** The client URL; the same across stop, kill, wipe and restart. */
    URI endpoint();

    /** Where {@code /health} answers over plain http. */
    URI healthEndpoint();

    /** Starts it, or starts it again on the same data and ports. Returns once it answers. */
    void start();

    /** Stops it gracefully (SIGTERM), keeping its data. */
    void stop();

    /** Kills it (SIGKILL), keeping its data. */
    void kill();

    /**
     * Kills it, removes its data and starts it again on the same ports and member configuration: a new etcd with
     * the same cluster id whose revisions start over.
     */
    void wipe();

    /** Freezes it (SIGSTOP): connections stay open and nothing answers, as behind a network partition. */
    void pause();

    /** Lets a paused server run on (SIGCONT). */
    void resume();

    boolean isRunning();

    /** The last lines of its log, to explain a failure. */
    String logTail();

    /** Stops it and removes its data. */
    @Override
    void close();
}
