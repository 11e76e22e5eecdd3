package org.layerswap.containerd.learning;

import java.util.Optional;

import org.layerswap.containerd.proto.events.Envelope;
import org.layerswap.containerd.proto.events.types.ContainerCreate;
import org.layerswap.containerd.proto.events.types.ImageCreate;
import org.layerswap.containerd.proto.events.types.ImageUpdate;
import org.layerswap.containerd.proto.events.types.TaskExit;
import org.layerswap.containerd.proto.events.types.TaskStart;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

/**
 * containerd's envelopes to {@link ContainerdEvent}s. containerd packs each payload in an {@code Any} whose type url
 * ends with the message's full name ({@code containerd.events.TaskStart}, with or without a {@code host/} prefix); a
 * payload of another type than its topic promises, or one that does not parse, is empty (the caller counts it
 * dropped). Topics outside {@link #TOPICS} are empty too.
 */
public final class EventDecoder {

    /** containerd's subscription filter for the topics learning uses (any of them matches). */
    public static final java.util.List<String> TOPICS = java.util.List.of(ContainerdEvent.TASK_START, ContainerdEvent.TASK_EXIT,
            ContainerdEvent.CONTAINER_CREATE, ContainerdEvent.IMAGE_CREATE, ContainerdEvent.IMAGE_UPDATE);

    private EventDecoder() {
    }

    /** containerd's filter syntax, one filter per topic. */
    public static java.util.List<String> filters() {
        return TOPICS.stream().map(t -> "topic==\"" + t + "\"").toList();
    }

    public static Optional<ContainerdEvent> decode(Envelope e) {
        long ts = e.getTimestamp().getSeconds() * 1000 + e.getTimestamp().getNanos() / 1_000_000;
        try {
            switch (e.getTopic()) {
                case ContainerdEvent.TASK_START -> {
                    return payload(e.getEvent(), TaskStart.getDefaultInstance())
                            .map(t -> new ContainerdEvent(e.getNamespace(), e.getTopic(), ts, t.getContainerId(), ""));
                }
                case ContainerdEvent.TASK_EXIT -> {
                    return payload(e.getEvent(), TaskExit.getDefaultInstance())
                            .map(t -> new ContainerdEvent(e.getNamespace(), e.getTopic(), ts, t.getContainerId(), ""));
                }
                case ContainerdEvent.CONTAINER_CREATE -> {
                    return payload(e.getEvent(), ContainerCreate.getDefaultInstance())
                            .map(c -> new ContainerdEvent(e.getNamespace(), e.getTopic(), ts, c.getId(), c.getImage()));
                }
                case ContainerdEvent.IMAGE_CREATE -> {
                    return payload(e.getEvent(), ImageCreate.getDefaultInstance())
                            .map(i -> new ContainerdEvent(e.getNamespace(), e.getTopic(), ts, i.getName(), i.getName()));
                }
                case ContainerdEvent.IMAGE_UPDATE -> {
                    return payload(e.getEvent(), ImageUpdate.getDefaultInstance())
                            .map(i -> new ContainerdEvent(e.getNamespace(), e.getTopic(), ts, i.getName(), i.getName()));
                }
                default -> {
                    return Optional.empty();
                }
            }
        } catch (InvalidProtocolBufferException malformed) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> Optional<M> payload(Any any, M prototype) throws InvalidProtocolBufferException {
        String url = any.getTypeUrl();
        String name = url.substring(url.lastIndexOf('/') + 1);
        if (!name.equals(prototype.getDescriptorForType().getFullName())) {
            return Optional.empty();
        }
        return Optional.of((M) prototype.getParserForType().parseFrom(any.getValue()));
    }
}
