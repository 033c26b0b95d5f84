package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * The drill's audit can fail: histories written by hand into a real etcd, in the layout the replicas use, with the
 * writes a deposed leader could make if the fence were missing.
 */
class EtcdHistoryIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    /** A leader key's value once it confirmed its win in fencing epoch 1. */
    private static final String LEADS = "{\"id\":\"r\",\"epoch\":1}";

    @Test
    void writesByTheLeaderOfTheirRevisionPass() throws Exception {
        String election = "audit-clean";
        long a = leadsAndSaves(election, "a", 1, 20);
        long b = takesOver(election, "b", "a");
        saves(election, 2, 40);
        delete(election + "/b");

        EtcdHistory.Audit audit = audit(election, List.of(claim("A", a, 20), claim("B", b, 40)));

        assertThat(audit.problems()).isEmpty();
        assertThat(audit.deposedWrites()).isEmpty();
        assertThat(audit.tenures()).extracting(EtcdHistory.Tenure::token)
                .containsExactly(Optional.of(new FencingToken(1, a)), Optional.of(new FencingToken(1, b)));
        assertThat(audit.manifestWrites()).extracting(EtcdHistory.ManifestWrite::verdict)
                .containsExactly("by the leader", "by the leader");
        assertThat(audit.chunkWrites()).isEqualTo(2);
        assertThat(audit.tokensIncrease()).isTrue();
    }

    @Test
    void aViewUnconfirmedToTheLeaderIsItsOwnIfEtcdTookItWhileItLed() throws Exception {
        String election = "audit-abandoned";
        long a = leadsAndSaves(election, "a", 1, 20);
        // etcd takes A's view of tick 30, but A, past its renew deadline, gave it up before the reply came.
        saves(election, 2, 30);
        long b = takesOver(election, "b", "a");
        EtcdHistory.Claim abandoning = new EtcdHistory.Claim("A", new FencingToken(1, a), Set.of(20L), 0,
                Set.of(30L), false);

        EtcdHistory.Audit audit = audit(election, List.of(abandoning, claim("B", b)));
        EtcdHistory.Audit unexplained = audit(election, List.of(claim("A", a, 20), claim("B", b)));

        assertThat(audit.problems()).isEmpty();
        assertThat(audit.manifestWrites()).extracting(EtcdHistory.ManifestWrite::verdict)
                .containsExactly("by the leader", "by the leader (unconfirmed to it)");
        assertThat(unexplained.problems()).as("without the log line, the same write is unexplained")
                .anySatisfy(problem -> assertThat(problem).contains("a manifest of tick 30 that no replica says it "
                        + "saved"));
    }

    @Test
    void aManifestThatADeposedLeaderSwitchedIsADeposedWrite() throws Exception {
        String election = "audit-manifest";
        long a = leadsAndSaves(election, "a", 1, 20);
        long b = takesOver(election, "b", "a");
        // A, no longer leading, switches the manifest with no fence.
        put(chunk(election, 2), "view");
        long deposed = put(manifest(election), manifestOf(2, 40));

        EtcdHistory.Audit audit = audit(election, List.of(claim("A", a, 20, 40), claim("B", b)));

        assertThat(audit.deposedWrites()).anySatisfy(problem -> assertThat(problem)
                .startsWith("revision " + deposed + ": the manifest of tick 40 was written by [A]"));
        assertThat(audit.manifestWrites()).extracting(EtcdHistory.ManifestWrite::verdict)
                .containsExactly("by the leader", "DEPOSED WRITER");
    }

    @Test
    void aDeposedLeaderSavingTheSameTickAsItsSuccessorIsADeposedWrite() throws Exception {
        String election = "audit-same-tick";
        long a = leadsAndSaves(election, "a", 1, 20);
        long b = takesOver(election, "b", "a");
        saves(election, 2, 40);
        // A runs the same deterministic world unfenced, and saves tick 40 too.
        saves(election, 3, 40);

        EtcdHistory.Audit audit = audit(election, List.of(claim("A", a, 20, 40), claim("B", b, 40)));

        assertThat(audit.deposedWrites()).anySatisfy(problem -> assertThat(problem)
                .contains("the manifest of tick 40 was written by [A] (token 1:" + a + ") after its tenure ended"));
        assertThat(audit.problems()).anySatisfy(problem -> assertThat(problem)
                .contains("the manifest went back from tick 40 to 40"));
    }

    @Test
    void aChunkTheLeaderDoesNotAccountForIsADeposedWrite() throws Exception {
        String election = "audit-chunk";
        long a = leadsAndSaves(election, "a", 1, 20);
        long b = takesOver(election, "b", "a");
        // A's stray chunk, then B's own save of the same generation.
        put(chunk(election, 2), "stale");
        saves(election, 2, 40);

        EtcdHistory.Audit audit = audit(election, List.of(claim("A", a, 20), claim("B", b, 40)));

        assertThat(audit.deposedWrites()).containsExactly("while token 1:" + b + " led, 2 chunks were put before its "
                + "last manifest switch, but its switches name 1 (and it logged 0 failed saves)");
    }

    @Test
    void aWriteWhileNobodyLedIsADeposedWrite() throws Exception {
        String election = "audit-nobody";
        long a = leadsAndSaves(election, "a", 1, 20);
        delete(election + "/a");
        long stray = put(chunk(election, 2), "view");

        EtcdHistory.Audit audit = audit(election, List.of(claim("A", a, 20)));

        assertThat(audit.deposedWrites()).contains("revision " + stray + ": a write under " + election
                + "-data/ while nobody led");
    }

    @Test
    void aManifestGoingBackInTimeIsAProblem() throws Exception {
        String election = "audit-back";
        long a = leadsAndSaves(election, "a", 1, 40);
        put(chunk(election, 2), "view");
        long back = put(manifest(election), manifestOf(2, 20));

        EtcdHistory.Audit audit = audit(election, List.of(claim("A", a, 20, 40)));

        assertThat(audit.problems()).contains("revision " + back + ": the manifest went back from tick 40 to 20");
    }

    @Test
    void withoutLogsAWriteWhileNobodyLedIsStillCaughtAndNoWriterIsNamed() throws Exception {
        String election = "audit-external";
        leadsAndSaves(election, "a", 1, 20);
        delete(election + "/a");
        long stray = put(manifest(election), manifestOf(2, 40));

        EtcdHistory.Audit audit = EtcdHistory.audit(ETCD.admin(), election, Optional.empty(), TIMING.eventBudget());

        assertThat(audit.manifestWrites()).extracting(EtcdHistory.ManifestWrite::verdict)
                .containsExactly("while a term led (writer not attributed: no logs)", "NOBODY LED");
        assertThat(audit.deposedWrites()).contains("revision " + stray + ": a write under " + election
                + "-data/ while nobody led");
    }

    private static EtcdHistory.Audit audit(String election, List<EtcdHistory.Claim> claims) {
        return EtcdHistory.audit(ETCD.admin(), election, Optional.of(claims), TIMING.eventBudget());
    }

    private static EtcdHistory.Claim claim(String replica, long revision, long... savedTicks) {
        return new EtcdHistory.Claim(replica, new FencingToken(1, revision),
                Set.copyOf(java.util.Arrays.stream(savedTicks).boxed().toList()), 0, Set.of(), false);
    }

    private static String chunk(String election, long generation) {
        return String.format("%s-data/world/g-%012d/chunk-000000", election, generation);
    }

    private static String manifest(String election) {
        return election + "-data/world/manifest";
    }

    private static String manifestOf(long generation, long tick) {
        return "{\"current\":{\"generation\":" + generation + ",\"chunks\":1,\"length\":4,\"tick\":" + tick
                + ",\"checksum\":0},\"previous\":null}";
    }

    /**
     * {@code candidate}'s key leads, and it saves a view of {@code tick} in {@code generation}; returns the key's
     * create revision.
     */
    private static long leadsAndSaves(String election, String candidate, long generation, long tick) throws Exception {
        long revision = put(election + "/" + candidate, LEADS);
        saves(election, generation, tick);
        return revision;
    }

    /** The leader saves a view of {@code tick} in {@code generation}: its chunk, then the manifest's switch. */
    private static void saves(String election, long generation, long tick) throws Exception {
        put(chunk(election, generation), "view");
        put(manifest(election), manifestOf(generation, tick));
    }

    /** {@code next}'s key is created, then {@code leader}'s deleted: {@code next} leads. Returns its revision. */
    private static long takesOver(String election, String next, String leader) throws Exception {
        long revision = put(election + "/" + next, LEADS);
        delete(election + "/" + leader);
        return revision;
    }

    /** Puts {@code key} and returns the revision of the put. */
    private static long put(String key, String value) throws Exception {
        return ETCD.admin().getKVClient().put(bytes(key), bytes(value))
                .get(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS).getHeader().getRevision();
    }

    private static void delete(String key) {
        assertThat(ETCD.delete(key)).isEqualTo(1);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
