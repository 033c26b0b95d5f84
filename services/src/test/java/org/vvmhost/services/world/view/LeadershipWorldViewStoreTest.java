package org.vvmhost.services.world.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.time.ManualClock;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.WorldViews;

class LeadershipWorldViewStoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CHUNK = 64 * 1024;

    private final FakeElection election = new FakeElection();
    private final ManualClock clock = new ManualClock();

    private WorldViewStore storeOf(Term term) {
        return WorldViewStore.leadership(election, term, "world", CHUNK, TIMEOUT, clock);
    }

    @Test
    void aViewIsWrittenInChunksAndReadBackWhole() {
        WorldView view = WorldViews.viewAt(20_000, 12);
        assertThat(view.bytes().length).isGreaterThan(5 * CHUNK);

        storeOf(election.elect()).save(view);
        WorldViewStore.LoadResult loaded = WorldViewStore.leadershipReader(election, "world", TIMEOUT, clock).load();

        assertThat(loaded.rejected()).isEmpty();
        assertThat(loaded.view().orElseThrow().bytes()).isEqualTo(view.bytes());
        assertThat(election.putSizes()).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(CHUNK));
        assertThat(election.contents().keySet())
                .contains("world/manifest", "world/g-000000000001/chunk-000000", "world/g-000000000001/chunk-000005");
    }

    @Test
    void aWriteInFlightIsAbandonedAsSoonAsTheTermIsLost() {
        Term leading = election.elect();
        CompletableFuture<LeadershipLostException> lost = new CompletableFuture<>();
        CompletableFuture<Void> neverAnswered = new CompletableFuture<>();
        Term partitioned = new Term() {
            @Override
            public FencingToken fencingToken() {
                return leading.fencingToken();
            }

            @Override
            public String leaderKey() {
                return leading.leaderKey();
            }

            @Override
            public Status status() {
                return lost.isDone() ? Status.LOST : Status.SUSPENDED;
            }

            @Override
            public CompletableFuture<LeadershipLostException> lost() {
                return lost;
            }

            @Override
            public CompletableFuture<Void> release() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> write(List<WriteOp> ops) {
                return neverAnswered; // etcd is partitioned away
            }

            @Override
            public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
                return neverAnswered;
            }
        };
        CompletableFuture<Void> save = CompletableFuture.runAsync(() -> storeOf(partitioned)
                .save(WorldViews.viewAt(1000, 7)));

        lost.complete(new LeadershipLostException("no keepalive succeeded within the renew deadline"));

        assertThat(save).as("well before the %s store timeout", TIMEOUT).failsWithin(TIMEOUT.dividedBy(2))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(WorldViewException.class)
                .withMessageContaining("the world view of tick 7 was not saved: chunk 1 of 1 with the manifest switch "
                        + "was abandoned: leadership was lost (no keepalive succeeded within the renew deadline)")
                .havingRootCause().isInstanceOf(LeadershipLostException.class);
        assertThat(neverAnswered).as("the write is given up").isCancelled();
    }

    @Test
    void theSwitchKeepsThePreviousViewAndDeletesOlderOnes() {
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(1000, 1));
        store.save(WorldViews.viewAt(1000, 2));
        store.save(WorldViews.viewAt(1000, 3));

        assertThat(election.contents().keySet()).noneMatch(key -> key.startsWith("world/g-000000000001/"));
        assertThat(election.contents().keySet()).anyMatch(key -> key.startsWith("world/g-000000000002/"));
        assertThat(store.load().view().orElseThrow().tick()).isEqualTo(3);
    }

    @Test
    void manyOldGenerationsAreDroppedOverSeveralSavesOldestFirstSoThatNoWriteGrowsPastEtcdsLimit() {
        int stale = LeadershipWorldViewStore.DROPPED_PER_SAVE + 3;
        for (int term = 1; term <= stale; term++) {
            // A term that saves once deletes nothing: it cannot tell its own views from others'.
            storeOf(election.elect()).save(WorldViews.viewAt(100, term));
        }
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(100, stale + 1));
        assertThat(generations()).hasSize(stale + 1);

        store.save(WorldViews.viewAt(100, stale + 2));
        assertThat(generations()).as("the oldest dropped, at most %d", LeadershipWorldViewStore.DROPPED_PER_SAVE)
                .hasSize(stale + 2 - LeadershipWorldViewStore.DROPPED_PER_SAVE)
                .startsWith((long) LeadershipWorldViewStore.DROPPED_PER_SAVE + 1);
        store.save(WorldViews.viewAt(100, stale + 3));
        assertThat(generations()).as("then the rest").containsExactly((long) stale + 2, (long) stale + 3);
        assertThat(store.load().view().orElseThrow().tick()).isEqualTo(stale + 3);
    }

    @Test
    void aViewOfOneChunkIsSavedWithItsSwitchInOneWrite() {
        WorldViewStore store = storeOf(election.elect());
        WorldView view = WorldViews.viewAt(1000, 4);
        assertThat(view.bytes().length).isLessThan(CHUNK);
        election.failWritesAfter(1);

        store.save(view);

        assertThat(store.load().view().orElseThrow().bytes()).isEqualTo(view.bytes());
        assertThat(election.contents().keySet()).contains("world/g-000000000001/header");
    }

    @Test
    void aSaveCutShortBeforeItsSwitchLeavesTheStoredViewsAsTheyWere() {
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(5000, 10));
        store.save(WorldViews.viewAt(5000, 20));
        int chunks = (WorldViews.viewAt(5000, 30).bytes().length + CHUNK - 1) / CHUNK;
        election.failWritesAfter(chunks);

        assertThatThrownBy(() -> store.save(WorldViews.viewAt(5000, 30)))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("the world view of tick 30 was not saved")
                .hasMessageContaining("the manifest switch");
        election.failWritesAfter(-1);

        assertThat(election.contents().keySet()).as("the header goes with the switch")
                .noneMatch(key -> key.equals("world/g-000000000003/header"));
        assertThat(generations()).as("nothing deleted without the switch").containsExactly(1L, 2L, 3L);
        assertThat(store.load().view().orElseThrow().tick()).isEqualTo(20);
        store.save(WorldViews.viewAt(5000, 40));
        assertThat(generations()).as("the switch drops what it no longer keeps").containsExactly(2L, 4L);
    }

    @Test
    void aCorruptChunkGivesAClearErrorAndThePreviousViewIsUsed() {
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(5000, 10));
        store.save(WorldViews.viewAt(5000, 20));
        election.corrupt("world/g-000000000002/chunk-000001", 77);

        WorldViewStore.LoadResult loaded = store.load();

        assertThat(loaded.view().orElseThrow().tick()).isEqualTo(10);
        assertThat(loaded.rejected()).singleElement().satisfies(e -> assertThat(e.getMessage())
                .startsWith("world view generation 2 (tick 20): world view checksum mismatch"));
    }

    @Test
    void aManifestThatCannotBeReadFailsTheSaveAndLeavesTheStoredViewsAlone() {
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(5000, 10));
        election.failNextRead("world/manifest", new IllegalStateException("connection lost"));
        // Should the save go ahead anyway, it is cut short after its first write.
        election.failWritesAfter(1);

        assertThatThrownBy(() -> store.save(WorldViews.viewAt(5000, 20)))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("the world view of tick 20 was not saved")
                .hasMessageContaining("connection lost");
        election.failWritesAfter(-1);

        WorldViewStore.LoadResult loaded = store.load();
        assertThat(loaded.rejected()).isEmpty();
        assertThat(loaded.view().orElseThrow().tick()).isEqualTo(10);
    }

    @Test
    void aStaleFencingTokenRejectsTheBackupAndLeavesTheStoredOneAlone() {
        Term deposed = election.elect();
        storeOf(deposed).save(WorldViews.viewAt(1000, 5));
        Term current = election.elect();

        assertThatThrownBy(() -> storeOf(deposed).save(WorldViews.viewAt(1000, 6)))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("the world view of tick 6 was not saved: the term with fencing token "
                        + deposed.fencingToken() + " no longer leads")
                .hasCauseInstanceOf(FencedWriteRejectedException.class);
        assertThat(election.contents().keySet()).noneMatch(key -> key.startsWith("world/g-000000000002/"));
        assertThat(storeOf(current).load().view().orElseThrow().tick()).isEqualTo(5);

        storeOf(current).save(WorldViews.viewAt(1000, 7));
        assertThat(storeOf(current).load().view().orElseThrow().tick()).isEqualTo(7);
    }

    @Test
    void anUnreadableManifestFallsBackToTheNewestIntactGenerationAndTheNextSaveDeletesNone() {
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(5000, 10));
        store.save(WorldViews.viewAt(5000, 20));
        store.save(WorldViews.viewAt(5000, 30));
        election.corrupt("world/g-000000000003/chunk-000002", 5);
        election.put("world/manifest", "garbage".getBytes(StandardCharsets.UTF_8));

        WorldViewStore successor = storeOf(election.elect());
        WorldViewStore.LoadResult loaded = successor.load();

        assertThat(loaded.view().orElseThrow().tick()).as("generation 3 is corrupt: generation 2").isEqualTo(20);
        assertThat(loaded.damage()).hasValueSatisfying(damage -> assertThat(damage)
                .startsWith("world view manifest world/manifest is not valid JSON: Unrecognized token 'garbage'"));
        assertThat(loaded.rejected()).singleElement().satisfies(e -> assertThat(e.getMessage())
                .isEqualTo("world view generation 3 (tick 30): chunk 3 of 3 is corrupt (CRC32C " + crcOf(
                        "world/g-000000000003/chunk-000002") + ", its header says " + savedCrc(3, 2) + ")"));

        successor.save(WorldViews.viewAt(5000, 40));
        assertThat(generations()).as("nothing deleted over an unusable manifest").containsExactly(2L, 3L, 4L);
        WorldViewStore.LoadResult repaired = WorldViewStore.leadershipReader(election, "world", TIMEOUT, clock).load();
        assertThat(repaired.damage()).isEmpty();
        assertThat(repaired.view().orElseThrow().tick()).isEqualTo(40);

        successor.save(WorldViews.viewAt(5000, 50));
        assertThat(generations()).as("then the two newest, both this term's").containsExactly(4L, 5L);
    }

    @Test
    void aMissingManifestWithGenerationsStoredIsDamageAndTheNewestIntactOneIsFound() {
        WorldViewStore store = storeOf(election.elect());
        store.save(WorldViews.viewAt(1000, 10));
        store.save(WorldViews.viewAt(1000, 20));
        election.delete("world/manifest");

        WorldViewStore.LoadResult loaded = storeOf(election.elect()).load();

        assertThat(loaded.view().orElseThrow().tick()).isEqualTo(20);
        assertThat(loaded.damage()).contains("world view manifest world/manifest is missing, but generations [1, 2] "
                + "are stored");
    }

    @Test
    void aViewWrittenBeforeGenerationHeadersIsReadThroughTheManifestAndWithoutIt() {
        WorldView legacy = WorldViews.viewAt(20_000, 12);
        byte[] bytes = legacy.bytes();
        int chunks = (bytes.length + CHUNK - 1) / CHUNK;
        for (int i = 0; i < chunks; i++) {
            election.put(String.format("world/g-000000000004/chunk-%06d", i),
                    Arrays.copyOfRange(bytes, i * CHUNK, Math.min(bytes.length, (i + 1) * CHUNK)));
        }
        election.put("world/manifest", String.format("{\"current\":{\"generation\":4,\"chunks\":%d,"
                + "\"length\":%d,\"tick\":12,\"checksum\":%d},\"previous\":null}", chunks, bytes.length,
                legacy.header().checksum()).getBytes(StandardCharsets.UTF_8));
        WorldViewStore reader = WorldViewStore.leadershipReader(election, "world", TIMEOUT, clock);

        assertThat(reader.load().view().orElseThrow().bytes()).isEqualTo(bytes);

        election.put("world/manifest", "{\"current\":null}".getBytes(StandardCharsets.UTF_8));
        WorldViewStore.LoadResult scanned = reader.load();
        assertThat(scanned.view().orElseThrow().bytes()).isEqualTo(bytes);
        assertThat(scanned.damage()).contains("world view manifest world/manifest names no current view");

        // A generation cut short (its last chunk missing) is passed over, named.
        election.put("world/g-000000000005/chunk-000000", Arrays.copyOf(bytes, CHUNK));
        assertThat(reader.load().rejected()).singleElement().satisfies(e -> assertThat(e.getMessage())
                .startsWith("world view generation 5: world view checksum mismatch"));
    }

    @Test
    void aStoreThatDoesNotAnswerIsAnErrorNotAnEmptyStore() {
        storeOf(election.elect()).save(WorldViews.viewAt(1000, 10));
        election.failNextRead("world/manifest", new IllegalStateException("connection lost"));

        assertThatThrownBy(() -> WorldViewStore.leadershipReader(election, "world", TIMEOUT, clock).load())
                .isInstanceOf(WorldViewException.class)
                .hasMessage("reading the world view manifest failed: connection lost");
    }

    private List<Long> generations() {
        return election.contents().keySet().stream().filter(key -> key.startsWith("world/g-"))
                .map(key -> Long.parseLong(key.substring("world/g-".length(), "world/g-".length() + 12)))
                .distinct().sorted().toList();
    }

    private String crcOf(String key) {
        CRC32C crc = new CRC32C();
        crc.update(election.contents().get(key));
        return String.format("%08x", (int) crc.getValue());
    }

    private String savedCrc(int generation, int chunk) {
        try {
            JsonNode header = new ObjectMapper().readTree(election.contents().get(
                    String.format("world/g-%012d/header", generation)));
            return String.format("%08x", header.get("chunkChecksums").get(chunk).asInt());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aStandbyReadsButCannotWrite() {
        WorldViewStore reader = WorldViewStore.leadershipReader(election, "world", TIMEOUT, clock);

        assertThat(reader.load().view()).isEmpty();
        assertThatThrownBy(() -> reader.save(WorldViews.viewAt(10, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read only");
    }

    @Test
    void chunksAboveOneMebibyteAreRefused() {
        assertThatThrownBy(() -> WorldViewStore.leadership(election, election.elect(), "world",
                        WorldViewStore.MAX_CHUNK_BYTES + 1, TIMEOUT, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk size must be 1..1048576 bytes");
    }
}
