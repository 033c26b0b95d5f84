package org.vvmhost.vvm;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;

/**
 * Test only, never in the product: a term that will not stop, for the drill's audit to catch. The drill's audit tests
 * run replicas whose class path starts with a variant of {@link Launcher} (generated from the product's source at
 * test time, one line changed) that wraps each won term in this class when {@value #MODE} is set:
 * <ul>
 *   <li>{@code deaf}: the term never reports its loss, so the leader acts on past its renew deadline; its writes
 *       still carry etcd's half of the fence (the leader key's create revision);</li>
 *   <li>{@code unfenced}: as deaf, and its writes carry no fence at all: a deposed leader's writes land in etcd. Once
 *       a world view saved after the term ended has landed (its manifest switch, logged as saved before the saver
 *       writes again), the term reports its loss at its next write and the replica exits: the audit has its
 *       evidence, and the drill need not wait out its timeout to kill it.</li>
 * </ul>
 */
final class RogueTerm implements Term {

    static final String MODE = "VVMHOST_TEST_ROGUE";
    /** The key a world view save switches last, in the write that completes it. */
    private static final String MANIFEST = "/manifest";
    private static final Pattern ENDPOINTS = Pattern.compile("etcd \\[([^\\]]+)\\]");

    private final Term term;
    private final boolean fenced;
    private final Client client;
    private final String dataPrefix;
    private final CompletableFuture<LeadershipLostException> lost = new CompletableFuture<>();
    private final AtomicBoolean savedWhileDeposed = new AtomicBoolean();

    private RogueTerm(Term term, boolean fenced, Client client, String dataPrefix) {
        this.term = term;
        this.fenced = fenced;
        this.client = client;
        this.dataPrefix = dataPrefix;
    }

    /** {@code term} as the mode asks; itself on the embedded default or with no mode set. */
    static Term wrap(Term term, String description) {
        String mode = System.getenv(MODE);
        Matcher endpoints = ENDPOINTS.matcher(description);
        if (mode == null || !endpoints.find()) {
            return term;
        }
        URI[] uris = Arrays.stream(endpoints.group(1).split(",\\s*")).map(URI::create).toArray(URI[]::new);
        String election = term.leaderKey().substring(0, term.leaderKey().lastIndexOf('/'));
        return new RogueTerm(term, !mode.equals("unfenced"), Client.builder().endpoints(uris).build(),
                election + "-data/");
    }

    @Override
    public FencingToken fencingToken() {
        return term.fencingToken();
    }

    @Override
    public String leaderKey() {
        return term.leaderKey();
    }

    @Override
    public Status status() {
        return lost.isDone() ? Status.LOST : Status.LEADING;
    }

    @Override
    public CompletableFuture<LeadershipLostException> lost() {
        return lost;
    }

    @Override
    public CompletableFuture<Void> release() {
        return term.release();
    }

    @Override
    public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
        return term.nameSuccessor(candidateId, validFor);
    }

    @Override
    public CompletableFuture<Void> write(List<WriteOp> ops) {
        if (savedWhileDeposed.get()) {
            term.lost().thenAccept(lost::complete);
        }
        boolean deposedSave = !fenced && term.lost().isDone() && ops.stream().anyMatch(
                op -> op instanceof WriteOp.Put put && put.key().endsWith(MANIFEST));
        Op[] then = ops.stream().map(this::op).toArray(Op[]::new);
        Cmp[] fence = fenced ? new Cmp[] {new Cmp(bytes(term.leaderKey()), Cmp.Op.EQUAL,
                CmpTarget.createRevision(term.fencingToken().revision()))} : new Cmp[0];
        return client.getKVClient().txn().If(fence).Then(then).commit().thenApply(reply -> {
            if (!reply.isSucceeded()) {
                throw new IllegalStateException("write fenced off by etcd");
            }
            if (deposedSave) {
                savedWhileDeposed.set(true);
            }
            return null;
        });
    }

    private Op op(WriteOp op) {
        if (op instanceof WriteOp.Put put) {
            return Op.put(bytes(dataPrefix + put.key()), ByteSequence.from(put.value()), PutOption.DEFAULT);
        }
        if (op instanceof WriteOp.Delete delete) {
            return Op.delete(bytes(dataPrefix + delete.key()), DeleteOption.DEFAULT);
        }
        if (op instanceof WriteOp.DeleteRange range) {
            return Op.delete(bytes(dataPrefix + range.from()),
                    DeleteOption.builder().withRange(bytes(dataPrefix + range.to())).build());
        }
        return Op.delete(bytes(dataPrefix + ((WriteOp.DeletePrefix) op).prefix()),
                DeleteOption.builder().isPrefix(true).build());
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
