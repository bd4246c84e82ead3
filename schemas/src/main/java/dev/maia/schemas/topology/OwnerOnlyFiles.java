package dev.maia.schemas.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only their owner may read: the topology file with its keys, key stores, their passwords, and the
 * directory that holds them. Each file is created with its mode, so it is never readable by others, not
 * even between the write and a chmod (the default umask would leave that window).
 */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /** A new, empty 0600 file at {@code file} (one there before is replaced); plain where the file system has no POSIX modes. */
    public static Path create(Path file) throws IOException {
        Files.deleteIfExists(file);
        if (file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return Files.createFile(file);
    }

    /** {@code dir}, created if missing, and made 0700 either way (an existing one keeps no wider mode). */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** Writes {@code secret} (no trailing newline) to a new 0600 file. */
    public static Path writeSecret(Path file, String secret) throws IOException {
        return Files.writeString(create(file), secret, StandardCharsets.UTF_8);
    }

    /** A password file's content, without the line end an editor may have added. */
    public static String readSecret(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
