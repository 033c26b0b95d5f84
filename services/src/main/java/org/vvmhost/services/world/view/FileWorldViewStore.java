package org.vvmhost.services.world.view;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;

/**
 * World views as files {@code world-view-<generation>.bin}. A save writes {@code .tmp}, forces it, renames it
 * atomically to the next generation; once the newest file before it is this store's own last save, it deletes all but
 * the two newest, so that a view restored from an older file is never deleted before two newer ones exist.
 */
final class FileWorldViewStore implements WorldViewStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileWorldViewStore.class);
    private static final Pattern NAME = Pattern.compile("world-view-(\\d{12})\\.bin");
    private static final int KEEP = 2;

    private final Path directory;
    /** The generation of this store's last successful save; -1 before one. */
    private volatile long lastSaved = -1;

    FileWorldViewStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    @Override
    public String description() {
        return "file:" + directory;
    }

    @Override
    public void save(WorldView view) {
        try {
            Files.createDirectories(directory);
            List<Long> generations = generations();
            long next = generations.isEmpty() ? 1 : generations.get(0) + 1;
            Path temporary = directory.resolve("world-view.tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] bytes = view.bytes();
                for (int offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
                    ByteBuffer chunk = ByteBuffer.wrap(bytes, offset, Math.min(MAX_CHUNK_BYTES, bytes.length - offset));
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                }
                channel.force(true);
            }
            Path target = directory.resolve(fileName(next));
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new WorldViewException("the file system of " + directory + " cannot rename atomically", e);
            }
            forceDirectory();
            if (!generations.isEmpty() && generations.get(0) == lastSaved) {
                for (long old : generations.subList(KEEP - 1, generations.size())) {
                    Files.deleteIfExists(directory.resolve(fileName(old)));
                }
            }
            lastSaved = next;
            LOG.debug("Saved {} to {}", view.header(), target);
        } catch (IOException e) {
            throw new WorldViewException("cannot save the world view of tick " + view.tick() + " to " + directory
                    + ": " + reason(e), e);
        }
    }

    /**
     * What went wrong with a file, as a person would say it: {@code permission denied}, {@code not a directory}; the
     * JDK's exceptions often carry only the path.
     */
    static String reason(IOException e) {
        String path = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : null;
        String what;
        if (e instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            what = "not a directory";
        } else if (e instanceof NoSuchFileException) {
            what = "no such file or directory";
        } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
            // The system's words, as the lines above put them: "Read-only file system" → "read-only file system".
            what = fs.getReason().isEmpty() ? fs.getReason()
                    : Character.toLowerCase(fs.getReason().charAt(0)) + fs.getReason().substring(1);
        } else {
            return String.valueOf(e.getMessage());
        }
        return path == null ? what : what + " (" + path + ")";
    }

    @Override
    public void probe() {
        Path probe = directory.resolve("world-view-probe.tmp");
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new WorldViewException("the world view directory " + directory + " is not writable: " + reason(e),
                    e);
        }
    }

    @Override
    public LoadResult load() {
        List<WorldViewException> rejected = new ArrayList<>();
        List<Long> generations;
        try {
            generations = Files.isDirectory(directory) ? generations() : List.of();
        } catch (IOException e) {
            throw new WorldViewException("cannot list the world views in " + directory + ": " + reason(e), e);
        }
        for (long generation : generations) {
            Path file = directory.resolve(fileName(generation));
            try {
                WorldView view = WorldView.decode(Files.readAllBytes(file));
                if (!rejected.isEmpty()) {
                    LOG.error("Using the previous good world view {} ({}) instead", file, view.header());
                }
                return new LoadResult(Optional.of(view), rejected);
            } catch (WorldViewException e) {
                rejected.add(new WorldViewException(file + ": " + e.getMessage(), e));
                LOG.error("World view {} is unusable: {}", file, e.getMessage());
            } catch (IOException e) {
                rejected.add(new WorldViewException("cannot read " + file + ": " + reason(e), e));
                LOG.error("Cannot read world view {}: {}", file, e.getMessage());
            }
        }
        return new LoadResult(Optional.empty(), rejected);
    }

    /** Generations present, newest first. */
    private List<Long> generations() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> NAME.matcher(path.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(matcher -> Long.parseLong(matcher.group(1)))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        }
    }

    private static String fileName(long generation) {
        return String.format("world-view-%012d.bin", generation);
    }

    /** Makes the rename durable; not every platform can open a directory, and then the rename is left as is. */
    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot force directory {}: {}", directory, e.getMessage());
        }
    }
}
