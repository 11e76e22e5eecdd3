package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.containerd.proto.events.Envelope;
import org.layerswap.containerd.proto.events.types.ContainerCreate;
import org.layerswap.containerd.proto.events.types.ImageCreate;
import org.layerswap.containerd.proto.events.types.TaskExit;
import org.layerswap.containerd.proto.events.types.TaskStart;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

class EventDecoderTest {

    static Envelope envelope(String topic, String typeUrl, ByteString payload) {
        return Envelope.newBuilder().setNamespace("k8s.io").setTopic(topic)
                .setTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(250_000_000))
                .setEvent(Any.newBuilder().setTypeUrl(typeUrl).setValue(payload)).build();
    }

    static Envelope envelope(String topic, Message m) {
        return envelope(topic, m.getDescriptorForType().getFullName(), m.toByteString());
    }

    @Test
    void aTaskStartNamesItsContainerNamespaceAndContainerdsTime() {
        Optional<ContainerdEvent> e = EventDecoder.decode(envelope("/tasks/start", TaskStart.newBuilder().setContainerId("c1").setPid(7).build()));
        assertEquals(Optional.of(new ContainerdEvent("k8s.io", "/tasks/start", 1_700_000_000_250L, "c1", "")), e);
    }

    @Test
    void typeUrlsWithAHostPrefixDecodeToo() {
        TaskExit exit = TaskExit.newBuilder().setContainerId("c2").build();
        assertEquals("c2", EventDecoder.decode(envelope("/tasks/exit", "types.containerd.io/containerd.events.TaskExit",
                exit.toByteString())).orElseThrow().subject());
    }

    @Test
    void containerAndImageEventsCarryTheImageName() {
        assertEquals("reg/fn:1", EventDecoder.decode(envelope("/containers/create",
                ContainerCreate.newBuilder().setId("c3").setImage("reg/fn:1").build())).orElseThrow().image());
        assertEquals("reg/fn:2", EventDecoder.decode(envelope("/images/update",
                org.layerswap.containerd.proto.events.types.ImageUpdate.newBuilder().setName("reg/fn:2").build())).orElseThrow().image());
        assertEquals("reg/fn:3", EventDecoder.decode(envelope("/images/create", ImageCreate.newBuilder().setName("reg/fn:3").build()))
                .orElseThrow().subject());
    }

    @Test
    void aPayloadOfAnotherTypeThanItsTopicPromisesAMalformedOneAndOtherTopicsDecodeToNothing() {
        assertTrue(EventDecoder.decode(envelope("/tasks/start", ImageCreate.newBuilder().setName("x").build())).isEmpty());
        assertTrue(EventDecoder.decode(envelope("/tasks/start", "containerd.events.TaskStart", ByteString.copyFromUtf8("\u00ff\u00ff")))
                .isEmpty());
        assertTrue(EventDecoder.decode(envelope("/snapshot/prepare", TaskStart.newBuilder().setContainerId("c").build())).isEmpty());
    }

    @Test
    void theSubscriptionFiltersNameEachLearnedTopic() {
        assertEquals(java.util.List.of("topic==\"/tasks/start\"", "topic==\"/tasks/exit\"", "topic==\"/containers/create\"",
                "topic==\"/images/create\"", "topic==\"/images/update\""), EventDecoder.filters());
    }
}
