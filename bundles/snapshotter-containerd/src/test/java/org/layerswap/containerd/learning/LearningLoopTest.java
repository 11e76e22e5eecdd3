package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.containerd.learning.LearningFakes.digest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.containerd.LayerCatalog;
import org.layerswap.containerd.proto.events.Envelope;
import org.layerswap.containerd.proto.events.types.ContainerCreate;
import org.layerswap.containerd.proto.events.types.ImageCreate;
import org.layerswap.containerd.proto.events.types.TaskExit;
import org.layerswap.containerd.proto.events.types.TaskStart;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

class LearningLoopTest {

    final LearningFakes.Source source = new LearningFakes.Source().with("fn:1", List.of(digest('1'), digest('2')));
    final ProfilerEngine profiler = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
    final LearningFakes.Registry registry = new LearningFakes.Registry();
    final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    final PredictedSnapshots predicted = new PredictedSnapshots(new LearningFakes.Store(), registry, now::get, 600_000, Runnable::run);
    final ImageBook images = new ImageBook(() -> List.of(source), new LayerCatalog());
    final ContainerLookup containers = (ns, id) -> id.startsWith("run-")
            ? Optional.of(new ContainerLookup.ContainerRef("reg:5000/fn:1", Map.of("fn", "periodic"))) : Optional.empty();
    final LearningLoop loop = new LearningLoop(new InvocationMapper(containers, "fn", 16), images, profiler, predicted,
            new EventCounters(), 600_000, now::get, Runnable::run);

    static Envelope env(String ns, String topic, long millis, Message m) {
        return Envelope.newBuilder().setNamespace(ns).setTopic(topic).setTimestamp(Timestamp.newBuilder().setSeconds(millis / 1000))
                .setEvent(Any.newBuilder().setTypeUrl(m.getDescriptorForType().getFullName()).setValue(m.toByteString()))
                .build();
    }

    void run(String id, long millis) {
        loop.accept(env("tenant-a", "/containers/create", millis, ContainerCreate.newBuilder().setId(id).setImage("reg:5000/fn:1").build()));
        loop.accept(env("tenant-a", "/tasks/start", millis, TaskStart.newBuilder().setContainerId(id).build()));
        loop.accept(env("tenant-a", "/tasks/exit", millis + 500, TaskExit.newBuilder().setContainerId(id).build()));
    }

    @Test
    void taskStartsBecomeTheProfilersInvocationsOfTheLabelledFunctionInTheNamespacesTenant() {
        long t = now.get() - 60_000;
        for (int i = 0; i < 3; i++) {
            run("run-" + i, t + i * 20_000);
        }
        assertEquals(3, profiler.profiles().profile("periodic").invocationCount());
        assertEquals(new EventCounters.Counts(9, 3, 0), loop.counts());
        assertEquals("reg:5000/fn:1", images.imageOf("periodic").orElseThrow().containerdName());
    }

    @Test
    void unusableEventsAreCountedDropped() {
        loop.accept(env("t", "/tasks/start", now.get(), TaskStart.newBuilder().setContainerId("unknown").build()));
        loop.accept(env("t", "/tasks/start", now.get(), ImageCreate.newBuilder().setName("x").build()));
        loop.accept(env("t", "/images/create", now.get(), ImageCreate.newBuilder().setName("nobody-knows:1").build()));
        loop.accept(env("t", "/images/create", now.get(), ImageCreate.newBuilder().setName("reg:5000/fn:1").build()));
        assertEquals(new EventCounters.Counts(4, 1, 3), loop.counts());
    }

    @Test
    void imagesAreResolvedOffTheStreamsThreadSoAStartIsRecordedWhileASourceIsStillResolving() {
        List<Runnable> queued = new java.util.ArrayList<>();
        LearningLoop slow = new LearningLoop(new InvocationMapper(containers, "fn", 16), images, profiler, predicted, new EventCounters(),
                600_000, now::get, queued::add);
        slow.accept(env("tenant-a", "/images/create", now.get(), ImageCreate.newBuilder().setName("reg:5000/fn:1").build()));
        slow.accept(env("tenant-a", "/containers/create", now.get(), ContainerCreate.newBuilder().setId("run-1").setImage("reg:5000/fn:1").build()));
        slow.accept(env("tenant-a", "/tasks/start", now.get(), TaskStart.newBuilder().setContainerId("run-1").build()));
        assertEquals(1, profiler.profiles().profile("periodic").invocationCount(), "recorded while the image is unresolved");
        assertEquals(new EventCounters.Counts(3, 1, 0), slow.counts());
        assertTrue(images.imageOf("periodic").isEmpty(), "nothing resolved on the stream's thread");
        assertEquals(2, queued.size(), "the image's creation and the start's image");
        queued.forEach(Runnable::run);
        assertEquals(new EventCounters.Counts(3, 2, 0), slow.counts());
        assertEquals("reg:5000/fn:1", images.imageOf("periodic").orElseThrow().containerdName());
    }

    @Test
    void anImageEventWhoseResolutionIsUnderWayIsDroppedNotQueuedAgain() {
        List<Runnable> queued = new java.util.ArrayList<>();
        LearningLoop slow = new LearningLoop(new InvocationMapper(containers, "fn", 16), images, profiler, predicted, new EventCounters(),
                600_000, now::get, queued::add);
        for (int i = 0; i < 3; i++) {
            slow.accept(env("t", "/images/create", now.get(), ImageCreate.newBuilder().setName("nobody-knows:1").build()));
        }
        assertEquals(1, queued.size());
        assertEquals(new EventCounters.Counts(3, 0, 2), slow.counts());
        queued.remove(0).run();
        assertEquals(new EventCounters.Counts(3, 0, 3), slow.counts(), "unresolved: dropped");
        slow.accept(env("t", "/images/create", now.get(), ImageCreate.newBuilder().setName("nobody-knows:1").build()));
        assertEquals(1, queued.size(), "tried again once the first resolution ended");
    }

    @Test
    void aFunctionPredictedWithinTheHorizonHasItsImageRegisteredInTheNamespaceItRanIn() throws Exception {
        long t = now.get() - 50_000;
        for (int i = 0; i < 4; i++) {
            run("run-" + i, t + i * 15_000); // every 15 s, the last 5 s ago
        }
        var started = loop.evaluate();
        assertEquals(1, started.size());
        assertTrue(started.get(0).get());
        assertEquals("tenant-a", predicted.registrations().get(0).namespace());
        assertTrue(registry.calls.get(0).startsWith("lease tenant-a "), registry.calls.toString());
    }

    @Test
    void aFunctionNeverSeenOrLongOverdueIsNotPredicted() {
        assertTrue(loop.evaluate().isEmpty(), "nothing ran");
        long t = now.get() - 3_600_000;
        run("run-1", t);
        run("run-2", t + 1_000);
        assertTrue(loop.evaluate().isEmpty(), "ran twice a second apart an hour ago: overdue");
        assertEquals(List.of(), registry.calls);
    }
}
