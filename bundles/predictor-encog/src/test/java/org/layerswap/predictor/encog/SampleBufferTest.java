package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SampleBufferTest {

    static double[] x(double v) {
        return new double[] {v};
    }

    @Test
    void aSampleIsPositiveWhenItsFunctionRunsWithinTheWindowAndLabelledOnlyOnceTheWindowHasPassed() {
        SampleBuffer b = new SampleBuffer(10);
        b.add("f", 1_000, 500, x(1));
        b.add("g", 1_000, 500, x(2));
        b.mark("f", 1_000); // at t itself: not in (t, t+w]
        b.mark("f", 1_400);
        b.mark("h", 1_500); // t+w reached, not passed
        assertEquals(0, b.size());
        b.mark("g", 1_501); // g runs after its window: negative; and the windows have now passed
        assertEquals(2, b.size());
        SampleBuffer.Labelled l = b.labelledSamples();
        assertArrayEquals(new double[] {1.0, 0.0}, l.ys());
        assertEquals(500, l.window());
    }

    @Test
    void theRingKeepsTheNewestSamplesOldestFirst() {
        SampleBuffer b = new SampleBuffer(3);
        for (int i = 0; i < 5; i++) {
            b.add("f", i * 10L, 5, x(i));
        }
        b.mark("f", 1_000);
        SampleBuffer.Labelled l = b.labelledSamples();
        assertEquals(3, b.size());
        assertEquals(5, b.labelled());
        assertEquals(2.0, l.xs()[0][0]);
        assertEquals(4.0, l.xs()[2][0]);
    }

    @Test
    void samplesOfAnotherWindowEmptyTheBufferFirst() {
        SampleBuffer b = new SampleBuffer(10);
        b.add("f", 0, 5, x(0));
        b.add("f", 1, 5, x(1));
        b.mark("f", 100);
        b.add("f", 200, 50, x(2));
        b.mark("f", 300);
        assertEquals(1, b.size());
        assertEquals(50, b.window());
        assertEquals(2.0, b.labelledSamples().xs()[0][0]);
    }
}
