package org.vvmhost.services.world.service;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;

/**
 * The world as the outside sees it: commands in, queries and summaries out. Every method is thread-safe and returns
 * at once; nothing here runs on, or waits for, the tick loop's thread except a {@link #read} queued for it.
 */
public interface WorldGateway {

    /** The world's config: its size, grid, sets and rates (the catalog's, which is built for it). */
    default WorldConfig config() {
        return catalog().config();
    }

    /** The commands this world takes, and their checks. */
    CommandCatalog catalog();

    /** Whether a world runs here now: this replica leads, its world is up, and it takes commands. */
    boolean running();

    /**
     * Whether entity {@code id} exists now, or an acknowledged spawn creates it at a tick not yet completed; false when
     * no world runs.
     */
    boolean exists(long id);

    /**
     * Whether a request with idempotency key {@code key} was taken already (journaled, or queued for the journal): a
     * retry of it is answered with its receipt, and its commands are not checked against the world again (the
     * entities it names may be gone by now, some by its own despawns). False when no world runs.
     */
    boolean knows(String key);

    /**
     * Journals one request's commands (checked already) and answers once they are durable. Fails with a
     * {@link CommandRefusedException} saying why they were not taken.
     *
     * @param idempotencyKey the request's key, or null: a retry with the same key and commands is journaled once
     */
    CompletableFuture<CommandReceipt> submit(List<WorldCommand> commands, String idempotencyKey);

    /**
     * Runs {@code query} on the tick loop's thread between two ticks, once the world has completed every tick that
     * an acknowledged command named (read-your-writes). Keep it short, and keep nothing of the world.
     * Fails with a {@link CommandRefusedException} ({@code UNAVAILABLE}) when no world runs.
     */
    <T> CompletableFuture<T> read(Function<World, T> query);

    /** The latest summary; empty before the world is up. */
    Optional<WorldSummary> summary();

    /** The tick rate and tick times of the last minutes, oldest first. */
    List<WorldSummary.Point> timeline();

    /**
     * Calls {@code listener} with every summary from now on, on the tick loop's thread: it must only hand the
     * summary on (to a queue, say), never wait. Close the returned handle to stop.
     */
    AutoCloseable subscribe(Consumer<WorldSummary> listener);
}
