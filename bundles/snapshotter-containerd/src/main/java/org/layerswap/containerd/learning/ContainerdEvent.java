package org.layerswap.containerd.learning;

import java.util.Objects;

/**
 * One event of containerd's stream, decoded as far as learning needs it.
 *
 * @param namespace       the containerd namespace it happened in (LayerSwap's tenant)
 * @param topic           e.g. {@code /tasks/start}
 * @param timestampMillis when containerd stamped it, epoch milliseconds
 * @param subject         the container id (task and container events) or the image name (image events); "" otherwise
 * @param image           the image name a container create names; "" otherwise
 */
public record ContainerdEvent(String namespace, String topic, long timestampMillis, String subject, String image) {

    public static final String TASK_START = "/tasks/start";
    public static final String TASK_EXIT = "/tasks/exit";
    public static final String CONTAINER_CREATE = "/containers/create";
    public static final String IMAGE_CREATE = "/images/create";
    public static final String IMAGE_UPDATE = "/images/update";

    public ContainerdEvent {
        namespace = Objects.requireNonNullElse(namespace, "");
        topic = Objects.requireNonNullElse(topic, "");
        subject = Objects.requireNonNullElse(subject, "");
        image = Objects.requireNonNullElse(image, "");
    }
}
