package org.vvmhost.services.cluster;

/**
 * A timeline mark as the driver applied it: when (seconds since the scenario start), what, and the outcome
 * ({@code "ok"}, the container picked for a ReplicaSet target, or why it could not apply).
 */
public record AppliedEvent(double atS, String id, EventKind kind, String target, String outcome) {
}
