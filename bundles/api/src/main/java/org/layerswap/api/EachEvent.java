package org.layerswap.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The default batch methods: the events one by one, the outcome as an already completed stage. */
final class EachEvent {

    private EachEvent() {
    }

    static CompletionStage<Void> apply(List<InvocationEvent> events, Consumer<InvocationEvent> one) {
        try {
            events.forEach(one);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
