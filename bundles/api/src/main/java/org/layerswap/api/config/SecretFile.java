package org.layerswap.api.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * A bearer-token file (the ingest token, the metrics scrape token): read when it exists, else generated (32 random
 * bytes, base64url) and written with mode 0600 (created that way, never widened afterwards) in a 0700 directory. A
 * token file that others can read, or that is a symbolic link, is refused rather than used: another local user may
 * already know it.
 */
public final class SecretFile {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFile() {
    }

    /**
     * The token in {@code file}, generated there first when the file does not exist.
     *
     * @param what names the token in error messages, e.g. "ingest token"
     */
    public static String loadOrCreate(Path file, String what) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            String token = generate();
            try {
                Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)),
                        (token + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
                return token;
            } catch (FileAlreadyExistsException raced) {
                // another start wrote it first: read it below
            }
        }
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(what + " file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(what + " file " + file + " is readable by others (" + PosixFilePermissions.toString(perms)
                    + "); make it 0600 (chmod 600) or delete it to have a new token generated");
        }
        if (Files.size(file) > 1024) {
            throw new IOException(what + " file " + file + " is larger than 1024 bytes");
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (token.length() < 16) {
            throw new IOException(what + " file " + file + " holds fewer than 16 characters");
        }
        return token;
    }

    /** A new random token: 32 bytes from {@link SecureRandom}, base64url without padding (43 characters). */
    public static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
