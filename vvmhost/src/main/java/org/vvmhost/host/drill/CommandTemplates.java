package org.vvmhost.host.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.vvmhost.leadership.etcd.ElectionStatus;

/**
 * Runs the command templates of an external drill with {@code /bin/sh -c}: {@code {host}}, {@code {pid}} and
 * {@code {id}} become the leader's, each quoted for the shell, since they come from the election's values and not
 * from whoever typed the template. Each command's output is appended to one log file.
 */
final class CommandTemplates {

    private final Path log;
    private final Duration timeout;

    CommandTemplates(Path log, Duration timeout) {
        this.log = log;
        this.timeout = timeout;
    }

    /** {@code template} with the leader's values filled in, shell-quoted. */
    static String expand(String template, ElectionStatus.Entry leader) {
        return template.replace("{host}", quote(leader.host())).replace("{pid}", quote(Long.toString(leader.pid())))
                .replace("{id}", quote(leader.id()));
    }

    /** Runs {@code template} for {@code leader} and returns its exit code; one that runs past the timeout is killed. */
    int run(String template, ElectionStatus.Entry leader) throws InterruptedException {
        String command = expand(template, leader);
        try {
            Files.writeString(log, "$ " + command + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run '" + command + "'", e);
        }
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
