package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The proxy through which each replica reaches etcd, over real loopback sockets, in front of an echo server. */
class EtcdProxyTest {

    /** How long the test waits for bytes that a cut must hold back: it expects none. */
    private static final int HELD_BACK_MILLIS = 300;

    @Test
    void passesBytesHoldsThemWhileCutAndDeliversThemOnceHealed() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> echo(upstream), "echo");
            echo.start();
            EtcdProxy proxy = EtcdProxy.start("r1", List.of(URI.create("http://127.0.0.1:" + upstream.getLocalPort())));
            try (Socket client = new Socket("127.0.0.1", proxy.endpoints().get(0).getPort())) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write('a');
                assertThat(in.read()).isEqualTo('a');

                proxy.cut();
                out.write('b');
                client.setSoTimeout(HELD_BACK_MILLIS);
                assertThatThrownBy(in::read).as("nothing passes a cut").isInstanceOf(SocketTimeoutException.class);

                proxy.heal();
                client.setSoTimeout(10_000);
                assertThat(in.read()).as("what waited goes through").isEqualTo('b');
            } finally {
                proxy.close();
            }
            echo.join(10_000);
            assertThat(echo.isAlive()).isFalse();
        }
    }

    @Test
    void givesEachReplicaOnePortPerMember() throws Exception {
        EtcdProxy proxy = EtcdProxy.start("r2", List.of(URI.create("http://127.0.0.1:1"),
                URI.create("http://127.0.0.1:2"), URI.create("http://127.0.0.1:3")));
        try {
            assertThat(proxy.endpoints()).hasSize(3).allMatch(uri -> uri.getHost().equals("127.0.0.1"))
                    .doesNotHaveDuplicates();
        } finally {
            proxy.close();
        }
    }

    private static void echo(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
        } catch (java.io.IOException e) {
            // The proxy closed the connection: the test is over.
        }
    }
}
