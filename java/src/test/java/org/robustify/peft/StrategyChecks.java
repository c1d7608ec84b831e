package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.ImageClassifier;
import org.robustify.model.Parameters;
import org.robustify.train.AdamOptimizer;

/** Checks shared by the strategy tests of each model family ({@link StrategyTest}, {@link ResNetStrategyTest}). */
final class StrategyChecks {
    private StrategyChecks() {}

    /** Logits in eval mode, detached. */
    static Tensor logits(ImageClassifier m, Tensor x) {
        m.module().eval();
        try (NoGradGuard g = new NoGradGuard()) {
            return m.forward(x).clone();
        }
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    /**
     * Applying the strategy keeps the logits: bit-identical for LoRA (B = 0), (IA)³ (ones) and the non-injecting
     * strategies; within {@code adapterTolerance} for the adapters, whose up starts near zero, not at zero.
     */
    static void injectionLeavesOutputsUnchanged(Strategy s, ImageClassifier m, Tensor x, double adapterTolerance) {
        Tensor before = logits(m, x);
        s.apply(m);
        Tensor after = logits(m, x);
        if (s == Strategy.ADAPTER || s == Strategy.COMPACTER) {
            double d = maxAbsDiff(before, after);
            assertTrue(d < adapterTolerance, s + " changed the logits by " + d);
            assertTrue(d > 0, s + ": the adapters are not in the forward pass");
        } else {
            assertTrue(torch.equal(before, after), s + " changed the logits by " + maxAbsDiff(before, after));
        }
    }

    /** Name prefix of the head's parameters and the infix naming each injected module's parameters. */
    record Names(String head) {
        boolean expectedTrainable(Strategy s, String name) {
            boolean head = name.startsWith(this.head);
            return switch (s) {
                case FULL -> true;
                case LINEAR -> head;
                case BITFIT -> head || name.endsWith(".bias");
                case LORA -> head || name.contains("_lora.");
                case ADAPTER -> head || name.contains("_adapter.");
                case COMPACTER -> head || name.contains("compacter");
                case IA3 -> head || name.contains("_ia3.");
            };
        }
    }

    /**
     * A few AdamW steps in train mode (forward and backward through every injected module): everything outside the
     * strategy's set keeps its exact bits, and the set itself (head included) moves.
     */
    static void onlyTheStrategysParametersTrain(Strategy s, ImageClassifier m, Names names,
            Supplier<Tensor> batch, int classes) {
        s.apply(m);
        Map<String, Tensor> snapshot = new LinkedHashMap<>();
        Parameters.named(m.module()).forEach((name, t) -> snapshot.put(name, t.detach().clone()));
        AdamOptimizer opt = AdamOptimizer.forTrainable(m.module(), AdamOptimizer.Kind.ADAMW, 1e-2, 0.01);
        m.module().train(true);
        torch.manual_seed(3);
        for (int step = 0; step < 3; step++) {
            Tensor x = batch.get();
            Tensor y = torch.randint(0, classes, new long[] {x.size(0)});
            opt.zeroGrad();
            cross_entropy(m.forward(x), y).backward();
            opt.step();
        }
        int moved = 0;
        int trainable = 0;
        for (Map.Entry<String, Tensor> e : Parameters.named(m.module()).entrySet()) {
            String name = e.getKey();
            boolean same = torch.equal(snapshot.get(name), e.getValue());
            if (!e.getValue().requires_grad()) {
                assertTrue(same, s + ": frozen " + name + " changed");
            } else {
                trainable++;
                if (!same) {
                    moved++;
                }
            }
            assertEquals(names.expectedTrainable(s, name), e.getValue().requires_grad(), s + ": " + name);
        }
        // LoRA's A gets no gradient while B is still 0 (step 1), so allow a few still; most must move.
        assertTrue(moved >= 2 && moved * 2 >= trainable, s + ": only " + moved + " of " + trainable
                + " trainable tensors moved");
        String headWeight = names.head() + "weight";
        assertFalse(torch.equal(snapshot.get(headWeight), Parameters.named(m.module()).get(headWeight)));
    }
}
