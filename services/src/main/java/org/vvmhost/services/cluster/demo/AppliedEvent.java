package org.vvmhost.services.cluster.demo;

/**
 * A timeline mark as the driver applied it: when (seconds since the scenario start), what (the kind and whether
 * it starts or ends the event), and the outcome
 * ({@code "ok"}, the container picked for a ReplicaSet target, or why it could not apply).
 */
public record AppliedEvent(double atS, String id, EventKind kind, TimelineMark.Phase phase, String target,
                           String outcome) {
}
