package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.testing.EtcdConfig;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/**
 * A leader that keeps writing world views into an etcd with a small space quota: it compacts etcd's history behind it,
 * so the quota is never reached, although it writes twice the quota and more. Without compaction etcd keeps every
 * revision of every value, and would raise NOSPACE within the first half of the run.
 */
class EtcdCompactionTest {

    private static final long QUOTA = 16L << 20;

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension(EtcdConfig.defaults().withQuota(QUOTA));

    private static final TestTiming TIMING = TestTiming.current();
    private static final Duration RETENTION = Duration.ofSeconds(2);
    /** A world view of 256 KiB every 200 ms: 1.25 MiB/s, against a history of at most two retentions. */
    private static final int VIEW_BYTES = 256 << 10;
    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** Long enough to write twice the quota and more (about 27 s when each write is quick), on a busy machine too. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);

    @Test
    void aLeaderThatCompactsNeverFillsASmallQuotaWhileItsBackupsChurn() throws Exception {
        String election = EtcdTestSupport.establishedElection(ETCD, "compaction");
        EtcdSettings settings = EtcdTestSupport.settings(ETCD.endpoint(), election)
                .withCompactionRetention(RETENTION);
        try (SystemClock clock = SystemClock.create("etcd-compaction-clock");
                Leadership leadership = EtcdLeaderships.connect(settings, candidate("a"), clock)) {
            Term term = await(leadership.campaign().elected());
            long firstRevision = ETCD.get(election + "-data/epoch").orElseThrow().getModRevision();
            long written = 0;
            List<Long> revisions = new ArrayList<>();
            long end = clock.nanoTime() + RUN_LIMIT.toNanos();
            for (long generation = 1; written <= 2 * QUOTA && clock.nanoTime() < end; generation++) {
                // As the world view store does: a new generation, then the one before the previous goes.
                await(term.write(List.of(WriteOp.put("world/g-" + generation + "/chunk-0", new byte[VIEW_BYTES]),
                        WriteOp.deletePrefix("world/g-" + (generation - 2) + "/"))));
                written += VIEW_BYTES;
                revisions.add(ETCD.get(election + "-data/world/g-" + generation + "/chunk-0").orElseThrow()
                        .getModRevision());
                CompletableFuture<Void> paced = new CompletableFuture<>();
                clock.schedule(INTERVAL, () -> paced.complete(null));
                await(paced);
            }

            assertThat(written).as("bytes written, against a quota of %d", QUOTA).isGreaterThan(2 * QUOTA);
            assertThat(ETCD.alarms()).as("etcd's alarms").isEmpty();
            assertThat(term.status()).isEqualTo(Term.Status.LEADING);
            assertThatThrownBy(() -> ETCD.admin().getKVClient().get(EtcdExtension.bytes(election),
                    GetOption.builder().withRevision(firstRevision).build()).get(TIMING.eventBudget().toMillis(),
                            TimeUnit.MILLISECONDS))
                    .as("the history behind the retention is compacted").hasMessageContaining("compacted");
            long recent = revisions.get(revisions.size() - 1);
            assertThat(ETCD.admin().getKVClient().get(EtcdExtension.bytes(election), GetOption.builder()
                    .withRevision(recent).build()).get(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS)
                    .getHeader().getRevision()).as("the last retention is still readable").isGreaterThanOrEqualTo(
                            recent);
            await(term.release());
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        return future.orTimeout(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
