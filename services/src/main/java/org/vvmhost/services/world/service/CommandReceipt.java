package org.vvmhost.services.world.service;

import java.util.List;

/**
 * What the leader answers once a request's commands are durable in the command journal.
 *
 * @param tick      the tick that applies them, at its start
 * @param seq       the first command's sequence number; command {@code i} has {@code seq + i}
 * @param entities  per command, the entity it concerns: for a spawn, the new entity's id
 * @param duplicate the request's idempotency key was seen before: these commands were journaled then, not now
 */
public record CommandReceipt(long tick, long seq, List<Long> entities, boolean duplicate) {

    public CommandReceipt {
        entities = List.copyOf(entities);
    }
}
