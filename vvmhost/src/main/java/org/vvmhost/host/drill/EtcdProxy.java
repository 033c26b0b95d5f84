package org.vvmhost.host.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One replica's way to etcd: a loopback TCP proxy with one listening port per etcd member, so that the drill can cut
 * this replica off from etcd while the others still reach it. A cut is a black hole, as a network partition is, not
 * a refusal: connections stay open, bytes already sent wait and new connections are accepted, but nothing passes
 * until the cut heals, and then everything that waited goes through. Two named threads copy each connection, one per
 * direction; {@link #close()} closes every socket and joins every thread.
 */
final class EtcdProxy implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;

    private final String name;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final List<URI> upstreams;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    /** Guarded by gate. */
    private boolean cut;
    private volatile boolean closed;

    private EtcdProxy(String name, List<URI> upstreams) {
        this.name = name;
        this.upstreams = List.copyOf(upstreams);
    }

    /** Listens on a free loopback port for each of {@code upstreams} (etcd client URLs, {@code http://host:port}). */
    static EtcdProxy start(String name, List<URI> upstreams) throws IOException, InterruptedException {
        EtcdProxy proxy = new EtcdProxy(name, upstreams);
        try {
            for (URI upstream : upstreams) {
                ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                proxy.listeners.add(listener);
                proxy.spawn("drill-proxy-" + name + "-" + listener.getLocalPort(), () -> proxy.accept(listener,
                        upstream));
            }
        } catch (IOException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    /** The URLs a replica is given as its etcd endpoints, one per member. */
    List<URI> endpoints() {
        return listeners.stream().map(listener -> URI.create("http://127.0.0.1:" + listener.getLocalPort())).toList();
    }

    /** Stops every byte in both directions, until {@link #heal()}. */
    void cut() {
        synchronized (gate) {
            cut = true;
        }
    }

    void heal() {
        synchronized (gate) {
            cut = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        heal();
        for (ServerSocket listener : listeners) {
            closeQuietly(listener);
        }
        sockets.forEach(EtcdProxy::closeQuietly);
        for (Thread thread : List.copyOf(threads)) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private void accept(ServerSocket listener, URI upstream) {
        while (!closed) {
            Socket downstream;
            try {
                downstream = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(downstream);
            try {
                awaitOpen();
                Socket up = new Socket();
                sockets.add(up);
                up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 1000);
                up.setTcpNoDelay(true);
                downstream.setTcpNoDelay(true);
                String connection = name + "-" + downstream.getPort();
                spawn("drill-proxy-" + connection + "-up", () -> copy(downstream, up));
                spawn("drill-proxy-" + connection + "-down", () -> copy(up, downstream));
            } catch (IOException e) {
                // The member is down: the replica sees its connection close, as it would without a proxy.
                closeQuietly(downstream);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Copies until either side closes; what it read during a cut waits for the heal before it is written. */
    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                awaitOpen();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed or reset: close both, as a broken connection would.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (cut && !closed) {
                gate.wait();
            }
        }
    }

    private void spawn(String threadName, Runnable task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, threadName);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is all that is left to do.
        }
    }
}
