package org.layerswap.nativeio;

/**
 * What {@code statvfs(3)} says about a file system, as seen by an unprivileged writer.
 *
 * @param totalBytes      size of the file system
 * @param availableBytes  bytes an unprivileged writer can still allocate ({@code f_bavail})
 * @param totalInodes     inodes of the file system (0 when it does not count them)
 * @param availableInodes inodes an unprivileged writer can still create ({@code f_favail})
 */
public record FileSystemSpace(long totalBytes, long availableBytes, long totalInodes, long availableInodes) {

    /** Nothing more can be written: no block left, or (where inodes are counted) no inode left. */
    public boolean exhausted() {
        return availableBytes <= 0 || (totalInodes > 0 && availableInodes <= 0);
    }
}
