package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.layerswap.nextuse.NextUseModel;

class FunctionPredictionsTest {

    /** The planning's view of a real {@link NextUseModel}, as the replay's policy builds it. */
    static NextUseSource sourceOf(NextUseModel m) {
        return new NextUseSource() {
            @Override
            public long lastSeen(int f) {
                return m.lastSeen(f);
            }

            @Override
            public long median(int f, long now) {
                return m.medianNextUse(f, now);
            }

            @Override
            public long earliest(int f, long now) {
                return m.nextUseAt(f, now, 0.1);
            }

            @Override
            public boolean overdue(int f, long now) {
                return m.nextUseOverdueAt(f, now);
            }

            @Override
            public double probabilityWithin(int f, long now, long horizonMillis) {
                return m.probabilityWithin(f, now, horizonMillis);
            }

            @Override
            public long stableUntil(int f, long now) {
                return m.predictionStableUntil(f, now);
            }

            @Override
            public boolean overdueUntilNextRun(int f, long now) {
                return m.overdueUntilNextRun(f, now);
            }

        };
    }

    @Test
    void theMedianAndOverdueItKeepsAreTheSourcesAnswersAtAnyLaterTimeBeforeTheNextRun() {
        Random rnd = new Random(5);
        NextUseModel model = new NextUseModel();
        int nf = 20;
        for (int f = 0; f < nf; f++) {
            model.index("f" + f);
        }
        NextUseSource source = sourceOf(model);
        FunctionPredictions p = new FunctionPredictions(source);
        p.resize(nf);
        long t = 0;
        int kept = 0;
        int idle = 0;
        for (int step = 0; step < 20_000; step++) {
            t += rnd.nextInt(30_000);
            int f = rnd.nextInt(nf);
            if (rnd.nextInt(3) == 0) { // f runs (jittered period f + 1 minutes, or a random gap): read again at once
                model.observe(f, t);
                p.read(f, t);
            } else if (rnd.nextInt(4) == 0) {
                p.readChanged(nf, t);
            }
            long now = t + rnd.nextInt(3_600_000);
            if (source.lastSeen(f) != Long.MIN_VALUE) {
                assertEquals(source.median(f, now), p.medianAt(f, now), "step " + step + ", function " + f);
                assertEquals(source.overdue(f, now), p.overdueAt(f, now), "step " + step + ": overdue, function " + f);
                long later = now + rnd.nextInt(600_000); // asked again later, as the next victim passes do
                assertEquals(source.median(f, later), p.medianAt(f, later), "step " + step + ", later, function " + f);
                assertEquals(source.overdue(f, later), p.overdueAt(f, later), "step " + step + ": later, function " + f);
                kept += now < source.stableUntil(f, t) ? 1 : 0;
                idle += source.overdueUntilNextRun(f, t) ? 1 : 0;
            }
        }
        assertTrue(kept > 100, "the kept value was checked, not only the source's: " + kept);
        assertTrue(idle > 100, "an overdue function's computed median was checked: " + idle);
    }

    @Test
    void aFunctionNeverReadHasNoNextUse() {
        FunctionPredictions p = new FunctionPredictions(sourceOf(new NextUseModel()));
        p.resize(3);
        assertEquals(Long.MAX_VALUE, p.median(2));
        assertEquals(Long.MAX_VALUE, p.earliest(2));
    }
}
