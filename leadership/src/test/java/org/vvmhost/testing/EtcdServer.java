package org.vvmhost.testing;

import java.net.URI;

/** One etcd server for tests, whichever way it runs. */
interface EtcdServer extends AutoCloseable {

    /** How it runs, for log lines. */
    String description();

    /** The client URL; the same across stop, kill and restart. */
    URI endpoint();

    /** Starts it, or starts it again on the same data and ports. Returns once it answers. */
    void start();

    /** Stops it gracefully (SIGTERM), keeping its data. */
    void stop();

    /** Kills it (SIGKILL), keeping its data. */
    void kill();

    boolean isRunning();

    /** The last lines of its log, to explain a failure. */
    String logTail();

    /** Stops it and removes its data. */
    @Override
    void close();
}
