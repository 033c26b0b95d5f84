package org.vvmhost.host.drill;

/**
 * What a drill round does to the leader, or to etcd under it. Each kind says what the round promises about the world
 * data lost ({@link Loss}) and whether the leader must change; every kind promises that no deposed leader writes,
 * that two leaders never act at once, and that the world stays the one an uninterrupted run computes.
 */
public enum FaultKind {
    /** SIGTERM of the leader: a graceful handover, nothing lost. */
    SIGTERM("SIGTERM of the leader", Loss.NONE, true, false),
    /** SIGKILL of the leader: a crash; its lease runs out, the standby restores the last world view. */
    SIGKILL("SIGKILL of the leader", Loss.CRASH, true, false),
    /**
     * SIGSTOP of the leader until its successor leads, then SIGCONT: a long GC pause or a frozen VM. Resumed, it
     * finds its renew deadline passed and stops without writing.
     */
    SIGSTOP("SIGSTOP of the leader until its successor leads, then SIGCONT", Loss.CRASH, true, false),
    /**
     * A planned switchover through the leader's {@code POST /switchover}, the request {@code vvmhost switchover} sends:
     * no process stops. The leader stops its services, saves a final world view, releases its term and stands by
     * again. Rounds alternate between naming the standby last in line ({@code --to}) and the next in line.
     */
    SWITCHOVER("a planned switchover (POST /switchover): no process stops", Loss.NONE, true, false),
    /**
     * The leader cut off from etcd (its proxy black-holes every byte) while the others still reach it, until its
     * successor leads and it has exited. It must stop acting before the successor's {@code leadership acquired}.
     */
    PARTITION("the leader cut off from etcd by its proxy", Loss.LEASE, true, false),
    /** SIGKILL of the etcd member that leads Raft (it serves every lease keepalive), started again later. */
    ETCD_MEMBER_KILL("SIGKILL of etcd's Raft leader, started again after the fault duration", Loss.LEASE, false,
            true),
    /** SIGSTOP of the etcd member that leads Raft for the fault duration, then SIGCONT. */
    ETCD_MEMBER_PAUSE("SIGSTOP of etcd's Raft leader for the fault duration", Loss.LEASE, false, true),
    /** SIGSTOP of two of the three etcd members (the Raft leader among them) for the fault duration: no quorum. */
    ETCD_QUORUM_LOSS("two of etcd's three members frozen for the fault duration: quorum lost, then back",
            Loss.LEASE, true, true),
    /** Every etcd member stopped (SIGTERM) and started again on its data. */
    ETCD_RESTART("the whole etcd cluster restarted on its data", Loss.LEASE, false, true);

    /** How much world data a round of a kind may lose, in ticks. */
    public enum Loss {
        /** Nothing: the old leader saves a final world view that its successor restores. */
        NONE,
        /** At most the backup interval plus the world view being written when the process stopped. */
        CRASH,
        /**
         * As a crash, plus the ticks of the renew deadline: from the fault until the leader noticed, no world view
         * could reach etcd.
         */
        LEASE
    }

    private final String description;
    private final Loss loss;
    private final boolean leaderMustChange;
    private final boolean etcdFault;

    FaultKind(String description, Loss loss, boolean leaderMustChange, boolean etcdFault) {
        this.description = description;
        this.loss = loss;
        this.leaderMustChange = leaderMustChange;
        this.etcdFault = etcdFault;
    }

    public String description() {
        return description;
    }

    public Loss loss() {
        return loss;
    }

    /** Whether a successor must take over; otherwise the leader may keep its term through the fault. */
    public boolean leaderMustChange() {
        return leaderMustChange;
    }

    /** Whether it faults etcd itself, which only the local target runs. */
    public boolean etcdFault() {
        return etcdFault;
    }
}
