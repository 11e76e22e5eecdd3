package org.layerswap.predictor.encog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

import org.encog.neural.networks.BasicNetwork;
import org.encog.persist.EncogDirectoryPersistence;

/**
 * Bytes of a {@link PublishedModel} for the {@code StateStore}: magic {@code LSEN}, format version (1),
 * network kind, window, the two held-out Brier scores, trace time of training, then the network in Encog's
 * own EG text format (its structure), the weights as exact doubles (EG's decimal text rounds them), and a
 * CRC-32 of everything before it.
 *
 * <p>Invariant: {@code decode(encode(m))} predicts exactly as {@code m}. Anything else (wrong magic or
 * version, unknown kind, truncation, checksum mismatch) raises IllegalArgumentException naming the problem.
 */
final class ModelCodec {

    static final int MAGIC = 0x4C53454E; // "LSEN"
    static final int VERSION = 1;

    private ModelCodec() {
    }

    static byte[] encode(PublishedModel m) {
        try {
            ByteArrayOutputStream eg = new ByteArrayOutputStream();
            EncogDirectoryPersistence.saveObject(eg, m.network());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(m.kind().name());
            out.writeLong(m.windowMillis());
            out.writeDouble(m.validationBrier());
            out.writeDouble(m.fallbackBrier());
            out.writeLong(m.trainedAtMillis());
            out.writeInt(eg.size());
            eg.writeTo(out);
            double[] weights = m.network().getFlat().getWeights();
            out.writeInt(weights.length);
            for (double w : weights) {
                out.writeDouble(w);
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PublishedModel decode(byte[] bytes) {
        if (bytes.length < 8 + 8) {
            throw new IllegalArgumentException("Encog model state is truncated (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("Encog model state has a wrong magic number 0x" + Integer.toHexString(magic));
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("Encog model state has unsupported format version " + version);
            }
            if (stored != crc.getValue()) {
                throw new IllegalArgumentException("Encog model state fails its checksum");
            }
            NetworkKind kind = NetworkKind.valueOf(in.readUTF());
            long window = in.readLong();
            double validation = in.readDouble();
            double fallback = in.readDouble();
            long trainedAt = in.readLong();
            byte[] eg = new byte[in.readInt()];
            in.readFully(eg);
            Object net = EncogDirectoryPersistence.loadObject(new ByteArrayInputStream(eg));
            if (!(net instanceof BasicNetwork network)) {
                throw new IllegalArgumentException("Encog model state holds a " + net.getClass().getName() + ", not a network");
            }
            double[] weights = network.getFlat().getWeights();
            int n = in.readInt();
            if (n != weights.length) {
                throw new IllegalArgumentException("Encog model state has " + n + " weights for a network of " + weights.length);
            }
            for (int i = 0; i < n; i++) {
                weights[i] = in.readDouble();
            }
            return new PublishedModel(network, kind, window, validation, fallback, trainedAt);
        } catch (IOException e) {
            throw new IllegalArgumentException("Encog model state is truncated: " + e, e);
        }
    }
}
