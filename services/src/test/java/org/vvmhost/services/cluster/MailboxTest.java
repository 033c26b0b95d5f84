package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.testing.TestTiming;

class MailboxTest {

    private final Edge edge = new Edge("c");

    @ParameterizedTest(name = "single-threaded: {0}")
    @ValueSource(booleans = {true, false})
    void theCapacityIsExactAndTheOrderFirstInFirstOut(boolean singleThreaded) {
        Mailbox mailbox = Mailbox.of(3, singleThreaded);
        List<Envelope<?>> sent = List.of(send(), send(), send());

        for (Envelope<?> envelope : sent) {
            assertThat(mailbox.offer(envelope)).isTrue();
        }
        assertThat(mailbox.offer(send())).as("a fourth in a mailbox of 3").isFalse();
        assertThat(mailbox.poll()).isSameAs(sent.get(0));
        Envelope<?> last = send();
        assertThat(mailbox.offer(last)).as("a place was freed").isTrue();
        assertThat(mailbox.offer(send())).isFalse();

        assertThat(mailbox.remove(sent.get(2))).isTrue();
        assertThat(mailbox.remove(sent.get(2))).isFalse();
        assertThat(mailbox.offer(send())).as("a removed envelope frees its place").isTrue();
        List<Envelope<?>> left = new ArrayList<>();
        mailbox.drainTo(left);
        assertThat(left).hasSize(3).startsWith(sent.get(1), last);
        assertThat(mailbox.isEmpty()).isTrue();
        assertThat(mailbox.poll()).isNull();
    }

    /** Four senders and a worker at once: every accepted envelope is taken exactly once, none is invented, and the
     *  mailbox never holds more than its capacity (what the worker finds after the senders stop). */
    @Test
    void concurrentSendersAndOneWorkerLoseNothing() throws InterruptedException {
        Mailbox mailbox = Mailbox.of(16, false);
        AtomicLong accepted = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread sender = new Thread(() -> {
                for (int n = 0; n < 20_000; n++) {
                    if (mailbox.offer(send())) {
                        accepted.incrementAndGet();
                    }
                }
            }, "mailbox-sender-" + i);
            sender.start();
            senders.add(sender);
        }
        long[] taken = new long[1];
        Thread worker = new Thread(() -> {
            while (sending.get()) {
                if (mailbox.poll() != null) {
                    taken[0]++;
                }
            }
        }, "mailbox-worker");
        worker.start();
        long budget = TestTiming.current().eventBudget().toMillis();
        try {
            for (Thread sender : senders) {
                sender.join(budget);
                assertThat(sender.isAlive()).as("%s ended", sender.getName()).isFalse();
            }
        } finally {
            // Whatever happened, the threads this test started end with it.
            sending.set(false);
            worker.join(budget);
            for (Thread sender : senders) {
                sender.join(budget);
            }
        }
        assertThat(worker.isAlive()).isFalse();

        List<Envelope<?>> left = new ArrayList<>();
        mailbox.drainTo(left);
        assertThat(left.size()).isLessThanOrEqualTo(16);
        assertThat(taken[0] + left.size()).isEqualTo(accepted.get());
        assertThat(accepted.get()).isPositive();
        for (int i = 0; i < 16; i++) {
            assertThat(mailbox.offer(send())).as("the counts came back to an empty mailbox").isTrue();
        }
        assertThat(mailbox.offer(send())).isFalse();
    }

    private Envelope<?> send() {
        return Envelope.send(TestFunctions.msg("m"), edge);
    }
}
