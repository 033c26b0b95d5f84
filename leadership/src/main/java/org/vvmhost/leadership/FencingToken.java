package org.vvmhost.leadership;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A term's fencing token: the epoch of the election's data (its incarnation: it grows when etcd was wiped or
 * restored, since revisions then start over) and the create revision of the leader's key. Ordered by epoch first,
 * so tokens never repeat across etcd's incarnations. Written {@code <epoch>:<revision>}, for example {@code 3:1042}.
 */
public record FencingToken(long epoch, long revision) implements Comparable<FencingToken>, Serializable {

    private static final Pattern TEXT = Pattern.compile("(\\d+):(\\d+)");

    public FencingToken {
        if (epoch < 1 || revision < 1) {
            throw new IllegalArgumentException("a fencing token has an epoch and a revision of at least 1; got epoch "
                    + epoch + ", revision " + revision);
        }
    }

    /** Reads {@code <epoch>:<revision>}, as {@link #toString()} writes it. */
    public static FencingToken parse(String text) {
        Matcher matcher = TEXT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("a fencing token is written <epoch>:<revision>, such as 3:1042; got '"
                    + text + "'");
        }
        return new FencingToken(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    @Override
    public int compareTo(FencingToken other) {
        int byEpoch = Long.compare(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(revision, other.revision);
    }

    @Override
    public String toString() {
        return epoch + ":" + revision;
    }
}
