package org.layerswap.api.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * A shared secret presented as {@code Authorization: Bearer <token>} (the ingest token, the metrics scrape token, the
 * cluster token) and the file it lives in. Every comparison with a presented value runs in constant time
 * ({@link MessageDigest#isEqual}).
 *
 * <p>Invariants: a token holds at least {@value #MIN_CHARS} characters after trimming, so a blank or trivial secret never
 * opens an endpoint; a token file is created owner-only (0600, in a 0700 directory when the directory is new) with its
 * whole content before it appears under its name (written to a temporary owner-only file, then hard-linked into place),
 * so no reader ever sees it readable by others, empty or half-written; a token file that others may read, that is a
 * symbolic link, empty or short is refused with an error naming the file, never used or rewritten.
 */
public final class SecretToken {

    /** The fewest characters a token may hold. */
    public static final int MIN_CHARS = 16;
    /** A token file larger than this is not a token file. */
    static final int MAX_FILE_BYTES = 1024;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] value;

    private SecretToken(byte[] value) {
        this.value = value;
    }

    /**
     * The token {@code token} (trimmed).
     *
     * @param what names the token in the error, e.g. "cluster token"
     * @throws IllegalArgumentException when {@code token} is null or holds fewer than {@value #MIN_CHARS} characters
     */
    public static SecretToken of(String token, String what) {
        String t = token == null ? "" : token.trim();
        if (t.length() < MIN_CHARS) {
            throw new IllegalArgumentException("the " + what + " must hold at least " + MIN_CHARS + " characters");
        }
        return new SecretToken(t.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token in {@code file}, generated there first when the file does not exist.
     *
     * @param what names the token in error messages, e.g. "ingest token"
     * @throws IOException naming {@code file} when it cannot be written, or is not an owner-only regular file holding a
     *                     token
     */
    public static SecretToken loadOrCreate(Path file, String what) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            String token = generate();
            if (publish(file, token)) {
                return of(token, what);
            }
            // another start published it first: read theirs below
        }
        return read(file, what);
    }

    /**
     * Writes {@code token} to a temporary owner-only file next to {@code file}, then links it to {@code file}: the link
     * either appears complete or fails because {@code file} exists. False when another writer was first.
     */
    private static boolean publish(Path file, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } catch (FileSystemException e) {
            throw new IOException("cannot write token file " + file + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static SecretToken read(Path file, String what) throws IOException {
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(what + " file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(what + " file " + file + " is readable by others (" + PosixFilePermissions.toString(perms)
                    + "); make it 0600 (chmod 600) or delete it to have a new token generated");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(what + " file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (token.isEmpty()) {
            throw new IOException(what + " file " + file + " is empty; delete it to have a new token generated");
        }
        if (token.length() < MIN_CHARS) {
            throw new IOException(what + " file " + file + " holds fewer than " + MIN_CHARS + " characters");
        }
        return of(token, what);
    }

    /** A new random token: 32 bytes from {@link SecureRandom}, base64url without padding (43 characters). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The token itself, for a client that must send it. */
    public String value() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** The header value a client sends: {@code Bearer <token>}. */
    public String authorization() {
        return "Bearer " + value();
    }

    /** Whether {@code authorizationHeader} is {@code Bearer <this token>} (scheme case-insensitive, value trimmed). */
    public boolean admits(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(value, authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code presented} equals {@code expected}, in constant time for equal lengths; false when
     * {@code expected} is null or empty (an unset secret matches nothing) or {@code presented} is null.
     */
    public static boolean constantTimeEquals(String expected, String presented) {
        if (expected == null || expected.isEmpty() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Never the secret (a token may end up in a log line through its holder). */
    @Override
    public String toString() {
        return "SecretToken[redacted]";
    }
}
