package org.vvmhost.services.cluster;

/**
 * A message to a container whose reply is an {@code R}: a request names its reply type, so the caller's future is
 * typed and nobody casts. A protocol is a sealed family of records implementing this; its function answers each
 * through a typed dispatch (a visitor), not an {@code instanceof} chain. A message that is only sent (fire and
 * forget) is a request whose reply nobody awaits.
 *
 * <p>Keep requests plain values (primitives, arrays, strings, records of those): they are meant to be able to
 * cross a process boundary.
 *
 * @param <R> the type of the reply
 */
public interface Request<R> {
}
