package org.layerswap.containerd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The gRPC status containerd's proxy client expects for each failure (it turns codes back into its errdefs:
 * NotFound, AlreadyExists, FailedPrecondition, InvalidArgument); anything unexpected (I/O) is INTERNAL with
 * its message. The description always carries the message naming the key and what was wrong.
 */
final class StatusMapping {

    private StatusMapping() {
    }

    static Status.Code code(SnapshotException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
        };
    }

    static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof SnapshotException e) {
            return Status.fromCode(code(e.reason())).withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).withCause(t).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(t.getClass().getSimpleName() + ": " + t.getMessage()).withCause(t).asRuntimeException();
    }
}
