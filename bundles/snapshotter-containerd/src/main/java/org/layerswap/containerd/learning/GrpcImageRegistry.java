package org.layerswap.containerd.learning;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.layerswap.containerd.proto.content.Info;
import org.layerswap.containerd.proto.content.UpdateRequest;
import org.layerswap.containerd.proto.content.WriteAction;
import org.layerswap.containerd.proto.content.WriteContentRequest;
import org.layerswap.containerd.proto.content.WriteContentResponse;
import org.layerswap.containerd.proto.images.CreateImageRequest;
import org.layerswap.containerd.proto.images.DeleteImageRequest;
import org.layerswap.containerd.proto.images.GetImageRequest;
import org.layerswap.containerd.proto.images.Image;
import org.layerswap.containerd.proto.types.Descriptor;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * {@link ImageRegistry} over containerd's content and images services. A blob is written in one message of the content
 * service's Write stream (action COMMIT with its data, expected digest and total size: containerd verifies both at
 * commit); one containerd already holds (ALREADY_EXISTS) gets the labels through Update instead.
 */
public final class GrpcImageRegistry implements ImageRegistry {

    private final ContainerdConnection containerd;

    public GrpcImageRegistry(ContainerdConnection containerd) {
        this.containerd = containerd;
    }

    @Override
    public void writeContent(String namespace, String lease, ImageDocuments.Blob blob, Map<String, String> labels) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<WriteContentRequest> out = containerd.content(namespace, lease).write(new StreamObserver<WriteContentResponse>() {
            @Override
            public void onNext(WriteContentResponse r) {
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        out.onNext(WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setRef("layerswap-" + blob.digest())
                .setTotal(blob.size()).setExpected(blob.digest()).setData(ByteString.copyFrom(blob.bytes())).putAllLabels(labels).build());
        out.onCompleted();
        try {
            done.get(ContainerdConnection.DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof StatusRuntimeException s) || s.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw new IllegalStateException("containerd refused blob " + blob.digest() + " (" + blob.size() + " bytes) in namespace "
                        + namespace + ": " + e.getCause(), e.getCause());
            }
            FieldMask.Builder mask = FieldMask.newBuilder();
            labels.keySet().forEach(k -> mask.addPaths("labels." + k));
            containerd.contentInfo(namespace).update(UpdateRequest.newBuilder()
                    .setInfo(Info.newBuilder().setDigest(blob.digest()).putAllLabels(labels)).setUpdateMask(mask).build());
        } catch (TimeoutException e) {
            throw new IllegalStateException("containerd did not answer the write of blob " + blob.digest() + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing blob " + blob.digest(), e);
        }
    }

    @Override
    public boolean createImage(String namespace, String name, ImageDocuments.Blob target, Map<String, String> labels) {
        try {
            containerd.images(namespace).create(CreateImageRequest.newBuilder().setImage(Image.newBuilder().setName(name)
                    .setTarget(Descriptor.newBuilder().setMediaType(target.mediaType()).setDigest(target.digest()).setSize(target.size()))
                    .putAllLabels(labels)).build());
            return true;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean deleteImageIfLabelled(String namespace, String name, String label) {
        try {
            Image image = containerd.images(namespace).get(GetImageRequest.newBuilder().setName(name).build()).getImage();
            if (!image.containsLabels(label)) {
                return false;
            }
            containerd.images(namespace).delete(DeleteImageRequest.newBuilder().setName(name).build());
            return true;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }
}
