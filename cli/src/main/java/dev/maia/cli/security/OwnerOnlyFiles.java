package dev.maia.cli.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner may read: key stores' passwords, and the directory that holds them. */
final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /** {@code dir}, created if missing, and made 0700 either way (an existing one keeps no wider mode). */
    static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /**
     * Writes {@code secret} (no trailing newline) to a new 0600 file: created with that mode, so it is never
     * readable by others, not even between the write and a chmod.
     */
    static Path writeSecret(Path file, String secret) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret, StandardCharsets.UTF_8);
        return file;
    }

    /** A password file's content, without the line end an editor may have added. */
    static String readSecret(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
