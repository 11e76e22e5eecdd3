package org.layerswap.profiler.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Compact binary encoding of a {@link ProfileSnapshot}: magic {@code LSPF}, format version, payload
 * ({@link DataOutputStream} primitives, sparse arrays), and a CRC-32 of everything before it. Files are
 * written atomically (temporary file in the same directory, fsync, rename).
 */
public final class SnapshotCodec {

    static final int MAGIC = 0x4C535046; // "LSPF"
    private static final int MAX_STRING = 1 << 16;
    private static final int MAX_COUNT = 1 << 24;

    private SnapshotCodec() {
    }

    public static byte[] encode(ProfileSnapshot s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096 + s.functions().size() * 256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(ProfileSnapshot.VERSION);
            out.writeLong(s.takenAtMillis());
            out.writeLong(s.latestEventMillis());
            out.writeLong(s.eventsRecorded());
            out.writeInt(s.functions().size());
            for (ProfileSnapshot.FunctionState f : s.functions()) {
                writeFunction(out, f);
            }
            out.flush();
            CRC32 crc = new CRC32();
            byte[] body = bytes.toByteArray();
            crc.update(body);
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
    }

    private static void writeFunction(DataOutputStream out, ProfileSnapshot.FunctionState f) throws IOException {
        out.writeUTF(f.functionId());
        out.writeLong(f.count());
        out.writeLong(f.firstMillis());
        out.writeLong(f.lastMillis());
        out.writeInt(f.idleBins().length);
        for (int i = 0; i < f.idleBins().length; i++) {
            out.writeShort(f.idleBins()[i]);
            out.writeLong(f.idleCounts()[i]);
            out.writeDouble(f.idleSums()[i]);
            out.writeDouble(f.idleSquares()[i]);
        }
        out.writeDouble(f.decayedCount());
        out.writeLong(f.headMinute());
        out.writeInt(f.minuteSlots().length);
        for (int i = 0; i < f.minuteSlots().length; i++) {
            out.writeShort(f.minuteSlots()[i]);
            out.writeInt(f.minuteCounts()[i]);
        }
        out.writeDouble(f.hourRef());
        for (int h = 0; h < 24; h++) {
            out.writeDouble(f.hourWeights()[h]);
        }
        out.writeDouble(f.triggerCount());
        out.writeLong(f.triggerTime());
        out.writeInt(f.followers().size());
        for (ProfileSnapshot.FollowState fo : f.followers()) {
            out.writeUTF(fo.target());
            out.writeDouble(fo.value());
            out.writeLong(fo.timeMillis());
            out.writeLong(fo.creditedTrigger());
        }
        writeStringMap(out, f.lastParams());
        ProfileSnapshot.ParamState p = f.params();
        out.writeBoolean(p != null);
        if (p != null) {
            out.writeDouble(p.accesses());
            writeDoubleMap(out, p.layerCounts());
            out.writeInt(p.values().size());
            for (ProfileSnapshot.ValueState v : p.values()) {
                out.writeUTF(v.keyValue());
                out.writeDouble(v.n());
                writeDoubleMap(out, v.layerCounts());
            }
        }
    }

    private static void writeStringMap(DataOutputStream out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static void writeDoubleMap(DataOutputStream out, Map<String, Double> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    /** Decodes {@code bytes}; {@code source} names them in errors (a file name, a table row). */
    public static ProfileSnapshot decode(byte[] bytes, String source) throws SnapshotException {
        if (bytes.length < 16) {
            throw new SnapshotException("profile snapshot " + source + " is truncated (" + bytes.length + " bytes)");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new SnapshotException("profile snapshot " + source + " is not a LayerSwap profile snapshot (magic "
                        + Integer.toHexString(magic) + ")");
            }
            int version = in.readInt();
            if (version != ProfileSnapshot.VERSION) {
                throw new SnapshotException("profile snapshot " + source + " has unsupported format version " + version
                        + " (this build reads " + ProfileSnapshot.VERSION + ")");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 8);
            long stored = new DataInputStream(new ByteArrayInputStream(bytes, bytes.length - 8, 8)).readLong();
            if (stored != crc.getValue()) {
                throw new SnapshotException("profile snapshot " + source + " is corrupt (checksum mismatch)");
            }
            long taken = in.readLong();
            long latest = in.readLong();
            long events = in.readLong();
            int n = count(in, source, "functions");
            List<ProfileSnapshot.FunctionState> fns = new ArrayList<>(Math.min(n, 1 << 16));
            for (int i = 0; i < n; i++) {
                fns.add(readFunction(in, source));
            }
            if (in.available() != 8) {
                throw new SnapshotException("profile snapshot " + source + " has " + (in.available() - 8)
                        + " unexpected bytes after the last function");
            }
            return new ProfileSnapshot(version, taken, latest, events, fns);
        } catch (SnapshotException e) {
            throw e;
        } catch (EOFException e) {
            throw new SnapshotException("profile snapshot " + source + " is truncated", e);
        } catch (IOException | RuntimeException e) {
            throw new SnapshotException("profile snapshot " + source + " is corrupt: " + e, e);
        }
    }

    private static int count(DataInputStream in, String source, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_COUNT) {
            throw new SnapshotException("profile snapshot " + source + " has an impossible number of " + what + ": " + n);
        }
        return n;
    }

    private static ProfileSnapshot.FunctionState readFunction(DataInputStream in, String source) throws IOException {
        String id = in.readUTF();
        if (id.isBlank()) {
            throw new SnapshotException("profile snapshot " + source + " has a function without an id");
        }
        long count = in.readLong();
        long first = in.readLong();
        long last = in.readLong();
        int nb = count(in, source, "idle bins of " + id);
        if (nb > FunctionStats.IDLE_BINS) {
            throw new SnapshotException("profile snapshot " + source + ": function " + id + " has " + nb + " idle bins");
        }
        int[] bins = new int[nb];
        long[] counts = new long[nb];
        double[] sums = new double[nb];
        double[] squares = new double[nb];
        for (int i = 0; i < nb; i++) {
            bins[i] = in.readUnsignedShort();
            if (bins[i] >= FunctionStats.IDLE_BINS) {
                throw new SnapshotException("profile snapshot " + source + ": function " + id + " idle bin " + bins[i]
                        + " out of range");
            }
            counts[i] = in.readLong();
            sums[i] = in.readDouble();
            squares[i] = in.readDouble();
        }
        double decayed = in.readDouble();
        long head = in.readLong();
        int nm = count(in, source, "minute slots of " + id);
        if (nm > FunctionStats.MINUTE_HORIZON) {
            throw new SnapshotException("profile snapshot " + source + ": function " + id + " has " + nm + " minute slots");
        }
        int[] slots = new int[nm];
        int[] mcounts = new int[nm];
        for (int i = 0; i < nm; i++) {
            slots[i] = in.readUnsignedShort();
            if (slots[i] >= FunctionStats.MINUTE_HORIZON) {
                throw new SnapshotException("profile snapshot " + source + ": function " + id + " minute slot out of range");
            }
            mcounts[i] = in.readInt();
        }
        double hourRef = in.readDouble();
        double[] hours = new double[24];
        for (int h = 0; h < 24; h++) {
            hours[h] = in.readDouble();
        }
        double trig = in.readDouble();
        long trigTime = in.readLong();
        int nf = count(in, source, "followers of " + id);
        List<ProfileSnapshot.FollowState> follows = new ArrayList<>(nf);
        for (int i = 0; i < nf; i++) {
            follows.add(new ProfileSnapshot.FollowState(in.readUTF(), in.readDouble(), in.readLong(), in.readLong()));
        }
        Map<String, String> params = new LinkedHashMap<>();
        int np = count(in, source, "params of " + id);
        for (int i = 0; i < np; i++) {
            params.put(in.readUTF(), in.readUTF());
        }
        ProfileSnapshot.ParamState ps = null;
        if (in.readBoolean()) {
            double acc = in.readDouble();
            Map<String, Double> lc = readDoubleMap(in, source, id);
            int nv = count(in, source, "parameter values of " + id);
            List<ProfileSnapshot.ValueState> vs = new ArrayList<>(nv);
            for (int i = 0; i < nv; i++) {
                vs.add(new ProfileSnapshot.ValueState(in.readUTF(), in.readDouble(), readDoubleMap(in, source, id)));
            }
            ps = new ProfileSnapshot.ParamState(acc, lc, vs);
        }
        return new ProfileSnapshot.FunctionState(id, count, first, last, bins, counts, sums, squares, decayed, head, slots, mcounts,
                hourRef, hours, trig, trigTime, follows, params, ps);
    }

    private static Map<String, Double> readDoubleMap(DataInputStream in, String source, String id) throws IOException {
        int n = count(in, source, "layer counts of " + id);
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String digest = in.readUTF();
            try {
                org.layerswap.api.LayerId.of(digest);
            } catch (IllegalArgumentException e) {
                throw new SnapshotException("profile snapshot " + source + ": function " + id + " names a bad layer: "
                        + e.getMessage());
            }
            m.put(digest, in.readDouble());
        }
        return m;
    }

    /** Writes atomically: a temporary file beside {@code file}, forced to disk, then renamed over it. */
    public static void write(ProfileSnapshot s, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, encode(s));
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a snapshot file; {@link NoSuchFileException} when absent, {@link SnapshotException} when unreadable. */
    public static ProfileSnapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return decode(bytes, file.toString());
    }
}
