package org.layerswap.source.oci;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.layerswap.api.LayerSourceException;

/**
 * A body handler for registry documents (manifests, indexes, config blobs, token responses): the body
 * as bytes, refused with a {@link LayerSourceException} naming the URL and the limit as soon as it
 * is known to exceed {@code limit} bytes, from its {@code Content-Length} before any byte is read, or
 * while streaming once the received bytes pass the limit. Invariant: at most {@code limit} bytes
 * (plus the one network buffer that crossed it) are ever held; the subscription is cancelled at once,
 * so the rest of an oversized body is never read.
 */
final class CappedBody {

    private CappedBody() {
    }

    /** @param uri names the body in the error (the request's URL) */
    static HttpResponse.BodyHandler<byte[]> handler(URI uri, long limit) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new Subscriber(uri, limit, declared);
        };
    }

    static LayerSourceException tooLarge(URI uri, long limit, String size) {
        return new LayerSourceException("response from " + uri + " is " + size + ", over the limit of " + limit
                + " bytes (maxDocumentBytes): refused", false);
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {

        private final URI uri;
        private final long limit;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private byte[] buf = new byte[0];
        private int size;
        private Flow.Subscription subscription;

        Subscriber(URI uri, long limit, long declared) {
            this.uri = uri;
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > limit) {
                s.cancel();
                result.completeExceptionally(tooLarge(uri, limit, declared + " bytes (Content-Length)"));
                return;
            }
            if (declared > 0) {
                buf = new byte[(int) declared];
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if ((long) size + n > limit) {
                    subscription.cancel();
                    result.completeExceptionally(tooLarge(uri, limit, "more than " + limit + " bytes"));
                    return;
                }
                if (size + n > buf.length) {
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit, Math.max(size + n, buf.length * 2L)));
                }
                b.get(buf, size, n);
                size += n;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(size == buf.length ? buf : java.util.Arrays.copyOf(buf, size));
        }
    }
}
