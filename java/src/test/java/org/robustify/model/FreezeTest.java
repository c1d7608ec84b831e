package org.robustify.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.model.freeze.FreezeReport;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.model.freeze.FreezeTerm;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class FreezeTest {
    private static final InputSpec SMALL = new InputSpec(3, 32, 32, 10);

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void parsesTermsAndRoundTrips() {
        FreezeSpec s = FreezeSpec.parse(" last:2, first:1,fraction:0.25,blocks:0+3-5+3,glob:{fc,head}.*,kind:NORM");
        assertEquals("last:2,first:1,fraction:0.25,blocks:0+3+4+5,glob:{fc,head}.*,kind:norm", s.toString());
        assertEquals(6, s.terms().size());
        assertEquals(List.of(0, 3, 4, 5), s.terms().get(3).blocks());
        // Block selection: union of block terms, sorted; fraction uses ceil(f*L) (0.25*12 = 3, not 4).
        assertEquals(Set.of(0, 3, 4, 5, 9, 10, 11), s.blockIndices(12)); // first:1, blocks, last:2 within fraction:0.25
        assertEquals(3, FreezeTerm.fractionToCount(0.25, 12));
        assertEquals(2, FreezeTerm.fractionToCount(0.25, 8));
        assertEquals(1, FreezeTerm.fractionToCount(0.01, 8));
        assertEquals(3, FreezeTerm.fractionToCount(0.3, 8));
    }

    @Test
    void parseErrorsNameTheProblem() {
        Map<String, String> bad = Map.of(
                "last:0", "k must be >= 1",
                "first:two", "not an integer",
                "fraction:1.5", "(0, 1]",
                "blocks:5-2", "is empty",
                "blocks:1,2", "not KEY:VALUE",
                "blocks:-1", "not a block index",
                "kind:weights", "unknown kind",
                "layers:3", "unknown freeze term",
                "last:1,,first:1", "empty term",
                "", "empty freeze spec");
        bad.forEach((spec, message) -> {
            RobustifyException e = assertThrows(RobustifyException.class, () -> FreezeSpec.parse(spec), spec);
            assertTrue(e.getMessage().contains(message), spec + " -> " + e.getMessage());
        });
    }

    @Test
    void resnet18TrainableSets() {
        try (PointerScope scope = new PointerScope()) {
            BlockModel m = (BlockModel) ModelZoo.create("resnet18", SMALL);
            Map<String, Tensor> all = Parameters.named(m.module());
            long total = numel(all, all.keySet());

            FreezeReport r = FreezeSpec.parse("last:2").apply(m);
            List<String> layer4 = names(all, "layer4.");
            assertEquals(layer4, r.trainableNames());
            assertEquals(numel(all, layer4), r.trainable());
            assertEquals(total, r.total());
            assertEquals((double) r.trainable() / total, r.fraction(), 1e-12);
            assertEquals(Parameters.count(m.module(), true), r.trainable(), "requires_grad flags match the report");
            assertFalse(all.get("layer3.1.conv2.weight").requires_grad());
            String table = r.toString();
            assertTrue(table.contains("layer4.1") && table.contains("stem") && table.contains("% trainable"), table);

            // fraction:0.25 of 8 blocks is the same as last:2.
            assertEquals(layer4, FreezeSpec.parse("fraction:0.25").apply(m).trainableNames());
            assertEquals(names(all, "layer1.0."), FreezeSpec.parse("first:1").apply(m).trainableNames());
            List<String> expect = new ArrayList<>(names(all, "layer1.0."));
            expect.addAll(names(all, "layer2."));
            assertEquals(expect, FreezeSpec.parse("blocks:0+2-3").apply(m).trainableNames());

            assertEquals(List.of("fc.weight", "fc.bias"), FreezeSpec.parse("kind:head").apply(m).trainableNames());
            assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias"),
                    FreezeSpec.parse("kind:stem").apply(m).trainableNames());
            // ResNet's convs have no bias: the biases are the 20 BatchNorms' plus fc's.
            List<String> biases = FreezeSpec.parse("kind:bias").apply(m).trainableNames();
            assertEquals(21, biases.size());
            // Norm parameters, found by module type: 20 BNs x (weight, bias), downsample.1 included.
            List<String> norms = FreezeSpec.parse("kind:norm").apply(m).trainableNames();
            assertEquals(40, norms.size());
            assertTrue(norms.contains("layer2.0.downsample.1.weight"));
            assertFalse(norms.contains("layer2.0.downsample.0.weight"));

            // Union of terms; globs with braces stay one term.
            r = FreezeSpec.parse("last:1,glob:{conv1,bn1}.*").apply(m);
            List<String> union = new ArrayList<>(List.of("conv1.weight", "bn1.weight", "bn1.bias"));
            union.addAll(names(all, "layer4.1."));
            assertEquals(union, r.trainableNames());

            assertError(() -> FreezeSpec.parse("last:9").apply(m), "out of range");
            assertError(() -> FreezeSpec.parse("blocks:8").apply(m), "out of range");
            assertError(() -> FreezeSpec.parse("glob:layer9.*").apply(m), "matches no parameter");
            assertError(() -> FreezeSpec.parse("kind:pos").apply(m), "matches no parameter");
            // A failed apply changes nothing: the previous selection is still in force.
            assertEquals(union, FreezeReport.of(new org.robustify.model.freeze.ModelLayout(m)).trainableNames());
        }
    }

    @Test
    void vitTrainableSets() {
        try (PointerScope scope = new PointerScope()) {
            BlockModel m = (BlockModel) ModelZoo.create("vit_tiny", SMALL, ModelOptions.DEFAULT.withVitDepth(4));
            Map<String, Tensor> all = Parameters.named(m.module());
            assertEquals(names(all, "blocks.3."), FreezeSpec.parse("last:1").apply(m).trainableNames());
            assertEquals(List.of("cls_token", "pos_embed"), FreezeSpec.parse("kind:pos").apply(m).trainableNames());
            assertEquals(List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias"),
                    FreezeSpec.parse("kind:stem").apply(m).trainableNames());
            assertEquals(List.of("head.weight", "head.bias"), FreezeSpec.parse("kind:head").apply(m).trainableNames());
            // 4 blocks x (norm1, norm2) x (weight, bias) + the final norm's 2.
            List<String> norms = FreezeSpec.parse("kind:norm").apply(m).trainableNames();
            assertEquals(18, norms.size());
            assertTrue(norms.containsAll(List.of("norm.weight", "blocks.0.norm1.bias", "blocks.3.norm2.weight")));
            FreezeReport r = FreezeSpec.parse("fraction:0.5,kind:head").apply(m);
            assertEquals(numel(all, names(all, "blocks.2.")) + numel(all, names(all, "blocks.3."))
                    + numel(all, List.of("head.weight", "head.bias")), r.trainable());
            assertTrue(r.groups().containsKey("pool"), "ViT's final norm is the pool group: " + r.groups().keySet());
        }
    }

    @Test
    void nonBlockModelsTakeOnlyGlobAndKind() {
        try (PointerScope scope = new PointerScope()) {
            ImageClassifier m = ModelZoo.create(CnnSmall.NAME, new InputSpec(1, 28, 28, 10));
            assertEquals(List.of("bn1.weight", "bn1.bias", "bn2.weight", "bn2.bias"),
                    FreezeSpec.parse("kind:norm").apply(m).trainableNames());
            assertEquals(List.of("fc2.weight", "fc2.bias"), FreezeSpec.parse("glob:fc2.*").apply(m).trainableNames());
            assertError(() -> FreezeSpec.parse("last:1").apply(m), "needs a model with blocks");
            assertError(() -> FreezeSpec.parse("kind:head").apply(m), "needs a model with blocks");
        }
    }

    /** PEFT's check: a few optimiser steps leave every frozen parameter bit-identical and move the trainable ones. */
    @Test
    void trainingChangesOnlyTrainableParameters() {
        for (String arch : List.of("resnet18", "vit_tiny")) {
            try (PointerScope scope = new PointerScope()) {
                torch.manual_seed(3);
                BlockModel m = (BlockModel) ModelZoo.create(arch, SMALL, ModelOptions.DEFAULT.withVitDepth(3));
                FreezeSpec.parse("last:1,kind:head,kind:bias").apply(m);
                Map<String, Tensor> before = ModelSnapshots.params(m.module());
                AdamWOptions o = new AdamWOptions(1e-2);
                o.weight_decay().put(0.05);
                AdamW opt = new AdamW(Parameters.trainable(m.module()), o);
                m.module().train(true);
                Tensor x = torch.randn(4, 3, 32, 32);
                Tensor y = torch.randint(10, new long[] {4});
                for (int step = 0; step < 3; step++) {
                    try (PointerScope s = new PointerScope()) {
                        opt.zero_grad();
                        torch.cross_entropy(m.forward(x), y).backward();
                        opt.step();
                    }
                }
                int frozen = 0;
                int trained = 0;
                for (Map.Entry<String, Tensor> e : Parameters.named(m.module()).entrySet()) {
                    boolean same = e.getValue().equal(before.get(e.getKey()));
                    if (e.getValue().requires_grad()) {
                        assertFalse(same, arch + ": trainable " + e.getKey() + " did not change");
                        trained++;
                    } else {
                        assertTrue(same, arch + ": frozen " + e.getKey() + " changed");
                        assertFalse(e.getValue().grad().defined(), arch + ": frozen " + e.getKey() + " got a grad");
                        frozen++;
                    }
                }
                assertTrue(frozen > 0 && trained > 0, arch + ": " + frozen + " frozen, " + trained + " trained");
            }
        }
    }

    private static List<String> names(Map<String, Tensor> all, String prefix) {
        return all.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    private static long numel(Map<String, Tensor> all, java.util.Collection<String> names) {
        long n = 0;
        for (String k : names) {
            n += all.get(k).numel();
        }
        return n;
    }

    private static void assertError(org.junit.jupiter.api.function.Executable e, String message) {
        RobustifyException ex = assertThrows(RobustifyException.class, e);
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }
}
