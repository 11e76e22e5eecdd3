package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ModelCodecTest {

    static PublishedModel model(NetworkKind kind) {
        return new PublishedModel(kind.create(6, 3), kind, 300_000L, 0.08, 0.1, 7_200_000L);
    }

    @Test
    void aDecodedModelPredictsExactlyAsTheEncodedOne() {
        for (NetworkKind kind : NetworkKind.values()) {
            PublishedModel m = model(kind);
            PublishedModel back = ModelCodec.decode(ModelCodec.encode(m));
            assertEquals(kind, back.kind());
            assertEquals(300_000L, back.windowMillis());
            assertEquals(0.08, back.validationBrier());
            assertEquals(0.1, back.fallbackBrier());
            assertEquals(7_200_000L, back.trainedAtMillis());
            for (double v = 0; v <= 1; v += 0.25) {
                double[] x = NetworkKindTest.sample(v);
                x[Features.COUNT + 3] = 1 - v;
                assertEquals(m.predict(x), back.predict(x), 0.0, kind + " at " + v);
            }
        }
    }

    @Test
    void aCorruptedStateIsRefusedNamingWhatIsWrong() {
        byte[] ok = ModelCodec.encode(model(NetworkKind.FEED_FORWARD));
        byte[] flipped = ok.clone();
        flipped[ok.length / 2] ^= 1;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCodec.decode(flipped)).getMessage().contains("checksum"));
        byte[] magic = ok.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCodec.decode(magic)).getMessage().contains("magic"));
        byte[] cut = Arrays.copyOf(ok, 12);
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.decode(cut));
    }
}
