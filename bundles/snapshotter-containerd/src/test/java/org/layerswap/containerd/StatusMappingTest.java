package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

class StatusMappingTest {

    @Test
    void everyReasonHasTheStatusContainerdMapsBackToItsErrdefs() {
        assertEquals(Status.Code.NOT_FOUND, StatusMapping.code(SnapshotException.Reason.NOT_FOUND));
        assertEquals(Status.Code.ALREADY_EXISTS, StatusMapping.code(SnapshotException.Reason.ALREADY_EXISTS));
        assertEquals(Status.Code.FAILED_PRECONDITION, StatusMapping.code(SnapshotException.Reason.FAILED_PRECONDITION));
        assertEquals(Status.Code.INVALID_ARGUMENT, StatusMapping.code(SnapshotException.Reason.INVALID_ARGUMENT));
    }

    @Test
    void theDescriptionIsTheMessageNamingTheKey() {
        StatusRuntimeException s = StatusMapping.toStatus(SnapshotException.notFound("snapshot", "k1"));
        assertEquals(Status.Code.NOT_FOUND, s.getStatus().getCode());
        assertEquals("snapshot 'k1' does not exist", s.getStatus().getDescription());
    }

    @Test
    void anIoFailureIsInternalAndABadArgumentInvalid() {
        assertEquals(Status.Code.INTERNAL, StatusMapping.toStatus(new IOException("disk full")).getStatus().getCode());
        assertEquals("IOException: disk full", StatusMapping.toStatus(new IOException("disk full")).getStatus().getDescription());
        assertEquals(Status.Code.INVALID_ARGUMENT, StatusMapping.toStatus(new IllegalArgumentException("x")).getStatus().getCode());
    }
}
