package org.layerswap.persistence.api;

/** The database cannot be opened, migrated, read or written; the message names the (password-free) URL. */
public class PersistenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PersistenceException(String message) {
        super(message);
    }

    public PersistenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
