package org.robustify.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.robustify.model.resnet.ResNet;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.Checkpoint;

class ZooTest {
    private static final InputSpec SMALL = new InputSpec(3, 32, 32, 10);
    private static final InputSpec IMAGENET = new InputSpec(3, 224, 224, 1000);

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** Every zoo model at a small input; ViT-S/B with reduced depth for speed, ViT-Ti at full depth. */
    static Stream<Arguments> smallModels() {
        return Stream.of(
                Arguments.of("resnet18", SMALL, ModelOptions.DEFAULT),
                Arguments.of("resnet18", new InputSpec(3, 64, 64, 10), ModelOptions.DEFAULT.withStem("imagenet")),
                Arguments.of("resnet34", SMALL, ModelOptions.DEFAULT),
                Arguments.of("resnet50", SMALL, ModelOptions.DEFAULT),
                Arguments.of("vit_tiny", SMALL, ModelOptions.DEFAULT),
                Arguments.of("vit_small", SMALL, ModelOptions.DEFAULT.withVitDepth(2)),
                Arguments.of("vit_base", new InputSpec(1, 16, 24, 5), ModelOptions.DEFAULT.withVitDepth(1)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("smallModels")
    void forwardFeaturesBackwardAndCheckpointRoundTrip(String name, InputSpec spec, ModelOptions options) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(7);
            BlockModel model = (BlockModel) ModelZoo.create(name, spec, options);
            assertEquals(name, model.architecture());
            Tensor x = torch.randn(2, spec.channels(), spec.height(), spec.width());
            Tensor y = torch.randint(spec.classes(), new long[] {2});

            // Train mode: shapes, finiteness, and a gradient on every trainable parameter.
            model.module().train(true);
            Tensor logits = model.forward(x);
            assertArrayEquals(new long[] {2, spec.classes()}, shapeOf(logits), "logits shape");
            assertTrue(allFinite(logits), "non-finite logits");
            torch.cross_entropy(logits, y).backward();
            Map<String, Tensor> params = Parameters.named(model.module());
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor g = e.getValue().grad();
                assertTrue(g.defined(), e.getKey() + " got no gradient");
                assertTrue(allFinite(g), e.getKey() + " has a non-finite gradient");
            }
            // A zero gradient everywhere would pass the checks above while training nothing.
            assertTrue(params.get(firstKey(params)).grad().abs().sum().item_double() > 0, "zero gradient");

            // Eval mode: forward = head(features), features = pool(blocks(stem)), both of the documented shapes.
            model.module().eval();
            try (NoGradGuard noGrad = new NoGradGuard()) {
                Tensor features = model.features(x);
                assertArrayEquals(new long[] {2, model.featureDim()}, shapeOf(features), "features");
                Tensor h = model.stem(x);
                for (int i = 0; i < model.numBlocks(); i++) {
                    h = model.block(i, h);
                }
                assertTrue(model.pool(h).equal(features), "features != pool(blocks(stem(x)))");
                Tensor expected = model.forward(x);
                assertTrue(model.head(features).equal(expected), "forward != head(features)");

                // Save, then load into a differently initialised copy: same eval outputs, including the BN
                // running statistics the train-mode forward above changed.
                Path file = dir.resolve(name + ".pt");
                Checkpoint.save(model.module(), file);
                torch.manual_seed(8);
                BlockModel copy = (BlockModel) ModelZoo.create(name, spec, options);
                copy.module().eval();
                assertFalse(copy.forward(x).equal(expected), "a fresh model should differ before loading");
                Checkpoint.load(copy.module(), file);
                assertTrue(copy.forward(x).equal(expected), "outputs differ after save -> load");
            }
        }
    }

    @Test
    void resnetNamesAreTimmStateDictKeys() {
        try (PointerScope scope = new PointerScope()) {
            ResNet r18 = (ResNet) ModelZoo.create("resnet18", SMALL);
            Map<String, Long> p = shapes(r18.named_parameters(true));
            Map<String, Long> b = shapes(r18.named_buffers(true));
            // torchvision/timm: 62 parameters and 60 buffers (20 BatchNorms x mean, var, count) for ResNet-18.
            assertEquals(62, p.size(), p.keySet().toString());
            assertEquals(60, b.size(), b.keySet().toString());
            for (String k : List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight",
                    "layer1.1.bn2.bias", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight",
                    "layer4.1.conv2.weight", "fc.weight", "fc.bias")) {
                assertTrue(p.containsKey(k), "missing parameter " + k);
            }
            for (String k : List.of("bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                    "layer2.0.downsample.1.running_var", "layer4.1.bn2.running_mean")) {
                assertTrue(b.containsKey(k), "missing buffer " + k);
            }
            assertFalse(p.containsKey("layer1.0.downsample.0.weight"), "layer1 of ResNet-18 keeps its shape");
            assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias"), new ArrayList<>(p.keySet()).subList(0, 3));
            assertEquals(8, r18.numBlocks());
            assertEquals("layer3.1", r18.blockName(5));
            assertEquals(512, r18.featureDim());

            ResNet r50 = (ResNet) ModelZoo.create("resnet50", SMALL);
            Map<String, Long> p50 = shapes(r50.named_parameters(true));
            assertEquals(161, p50.size());
            assertEquals(159, shapes(r50.named_buffers(true)).size());
            // Bottleneck expands 64 -> 256 already in layer1, so its first block projects the shortcut.
            assertTrue(p50.containsKey("layer1.0.downsample.0.weight"));
            assertTrue(p50.containsKey("layer4.2.conv3.weight"));
            assertEquals(2048, r50.featureDim());
            assertEquals(16, r50.numBlocks());
        }
    }

    @Test
    void vitNamesAreTimmStateDictKeys() {
        try (PointerScope scope = new PointerScope()) {
            VisionTransformer vit = (VisionTransformer) ModelZoo.create("vit_tiny", SMALL);
            Map<String, Long> p = shapes(vit.named_parameters(true));
            assertEquals(152, p.size(), "timm's vit_tiny state_dict has 152 keys");
            assertEquals(0, shapes(vit.named_buffers(true)).size());
            List<String> keys = new ArrayList<>(p.keySet());
            assertEquals(List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
                    "blocks.0.norm1.weight"), keys.subList(0, 5));
            assertEquals(List.of("norm.weight", "norm.bias", "head.weight", "head.bias"),
                    keys.subList(keys.size() - 4, keys.size()));
            for (String k : List.of("blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight",
                    "blocks.0.norm2.weight", "blocks.0.mlp.fc1.weight", "blocks.11.mlp.fc2.bias")) {
                assertTrue(p.containsKey(k), "missing parameter " + k);
            }
            // 32x32 with the default patch 4: 64 patches + the class token.
            assertEquals(4, vit.patchSize());
            assertEquals(65L * 192, p.get("pos_embed"));
            assertEquals(3L * 192 * 192, p.get("blocks.0.attn.qkv.weight"));
            assertEquals("blocks.11", vit.blockName(11));
        }
    }

    @Test
    void parameterCountsMatchTimmAndTorchvision() {
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("resnet18", 11_689_512L);
        expected.put("resnet34", 21_797_672L);
        expected.put("resnet50", 25_557_032L);
        expected.put("vit_tiny", 5_717_416L);
        expected.put("vit_small", 22_050_664L);
        expected.put("vit_base", 86_567_656L);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            // Built, counted and freed one at a time (ViT-B alone is 350 MB); never run.
            try (PointerScope scope = new PointerScope()) {
                ImageClassifier m = ModelZoo.create(e.getKey(), IMAGENET);
                assertEquals(e.getValue(), Parameters.count(m.module(), false), e.getKey() + " parameter count");
            }
        }
    }

    @Test
    void defaultsFollowTheImageSize() {
        try (PointerScope scope = new PointerScope()) {
            assertEquals("cifar", ModelOptions.DEFAULT.resolvedStem(SMALL));
            assertEquals("cifar", ModelOptions.DEFAULT.resolvedStem(new InputSpec(3, 64, 200, 10)));
            assertEquals("imagenet", ModelOptions.DEFAULT.resolvedStem(new InputSpec(3, 65, 65, 10)));
            assertEquals(4, ModelOptions.DEFAULT.resolvedPatchSize(new InputSpec(3, 127, 200, 10)));
            assertEquals(16, ModelOptions.DEFAULT.resolvedPatchSize(new InputSpec(3, 128, 128, 10)));
            assertEquals(8, ModelOptions.DEFAULT.withPatchSize(8).resolvedPatchSize(IMAGENET));
            ResNet cifar = (ResNet) ModelZoo.create("resnet18", SMALL);
            assertFalse(cifar.imagenetStem());
            assertArrayEquals(new long[] {64, 3, 3, 3}, shapeOf(cifar.conv1.weight()));
            ResNet imagenet = (ResNet) ModelZoo.create("resnet18", new InputSpec(1, 96, 96, 10));
            assertTrue(imagenet.imagenetStem());
            assertArrayEquals(new long[] {64, 1, 7, 7}, shapeOf(imagenet.conv1.weight()));
            assertInstanceOf(CnnSmall.class, ModelZoo.create("cnn-small", new InputSpec(1, 28, 28, 10)));
        }
    }

    @Test
    void vitInitialisationFollowsTimm() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            VisionTransformer vit = (VisionTransformer) ModelZoo.create("vit_small", SMALL,
                    ModelOptions.DEFAULT.withVitDepth(1));
            Tensor qkv = vit.blocks.blocks.get(0).attn.qkv.weight();
            assertEquals(0.02, qkv.std().item_double(), 0.001, "trunc-normal std 0.02");
            assertEquals(0.0, vit.blocks.blocks.get(0).attn.qkv.bias().abs().max().item_double());
            assertTrue(vit.clsToken.abs().max().item_double() < 1e-5, "cls_token ~ N(0, 1e-6)");
            assertEquals(0.02, vit.posEmbed.std().item_double(), 0.002);
            assertEquals(1e-6, vit.norm.options().eps().get(), 0.0);
        }
    }

    @Test
    void clearErrorsForBadInputs() {
        try (PointerScope scope = new PointerScope()) {
            RobustifyException notMultiple = assertThrows(RobustifyException.class,
                    () -> ModelZoo.create("vit_tiny", new InputSpec(3, 30, 30, 10)));
            assertTrue(notMultiple.getMessage().contains("patch size 4"), notMultiple.getMessage());
            assertThrows(RobustifyException.class, () -> new ModelOptions("resnet", 0, 0));
            RobustifyException unknown = assertThrows(RobustifyException.class,
                    () -> ModelZoo.create("resnet101", SMALL));
            assertTrue(unknown.getMessage().contains("vit_base"), unknown.getMessage());
            BlockModel vit = (BlockModel) ModelZoo.create("vit_tiny", SMALL, ModelOptions.DEFAULT.withVitDepth(1));
            RobustifyException wrongSize = assertThrows(RobustifyException.class,
                    () -> vit.forward(torch.randn(1, 3, 64, 64)));
            assertTrue(wrongSize.getMessage().contains("32x32"), wrongSize.getMessage());
            assertThrows(RobustifyException.class, () -> vit.block(1, torch.randn(1, 65, 192)));
            assertNotEquals(0, vit.numBlocks());
        }
    }

    private static boolean allFinite(Tensor t) {
        return torch.isfinite(t).all().item_bool();
    }

    private static String firstKey(Map<String, Tensor> m) {
        return m.keySet().iterator().next();
    }

    /** Name -> element count, in libtorch's order (own tensors, then children in registration order). */
    private static Map<String, Long> shapes(StringTensorDict dict) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (long i = 0; i < dict.size(); i++) {
            out.put(dict.get(i).key().getString(), dict.get(i).value().numel());
        }
        return out;
    }

    private static long[] shapeOf(Tensor t) {
        long[] shape = new long[(int) t.dim()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = t.size(d);
        }
        return shape;
    }
}
