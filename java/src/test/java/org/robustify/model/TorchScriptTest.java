package org.robustify.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.Npy;
import org.robustify.model.jit.TorchScriptModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.TrainStep;

/**
 * TorchScript import against archives scripted by torch 2.13 in Python (fixtures written by
 * java/src/test/fixtures/models/make_torchscript_fixture.py): same logits, trainable parameters, the
 * forward_features contract and its errors.
 */
class TorchScriptTest {
    static final Path FIXTURES = CrossImplementationTest.FIXTURES;
    static final Path CNN = FIXTURES.resolve("scripted_cnn.pt");
    static final Path LINEAR = FIXTURES.resolve("scripted_linear.pt");
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    static Tensor input() {
        return CrossImplementationTest.tensor(Npy.readFloat32(FIXTURES.resolve("scripted_input.npy")));
    }

    static float[] expected(String name) {
        return Npy.readFloat32(FIXTURES.resolve(name)).data();
    }

    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max <= TOLERANCE, what + ": max abs error " + max + " > " + TOLERANCE);
    }

    @Test
    void logitsAndFeaturesMatchPython() {
        TorchScriptModel m = TorchScriptModel.load(CNN);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = input();
            Tensor logits = m.forward(x);
            assertArrayEquals(new long[] {4, 10}, logits.sizes().vec().get());
            assertClose(expected("scripted_cnn_logits.npy"), CrossImplementationTest.floats(logits), "logits");
            Tensor f = m.features(x);
            assertArrayEquals(new long[] {4, 16}, f.sizes().vec().get());
            assertClose(expected("scripted_cnn_features.npy"), CrossImplementationTest.floats(f), "features");
            // head(features(x)) is forward(x): the teacher/student path gives the same logits.
            assertClose(CrossImplementationTest.floats(logits), CrossImplementationTest.floats(m.head(f)), "head");
        }
        assertTrue(m.hasFeatures());
        assertEquals("torchscript:scripted_cnn.pt", m.architecture());
    }

    @Test
    void parametersAreExposedUnderTheirNamesAndTrainWithSgd() {
        TorchScriptModel m = TorchScriptModel.load(CNN);
        Map<String, Tensor> named = Parameters.named(m.module());
        assertEquals(List.of("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "conv2.weight", "conv2.bias",
                "head.weight", "head.bias"), List.copyOf(named.keySet()));
        named.values().forEach(t -> assertTrue(t.requires_grad()));
        assertTrue(m.module().named_buffers(true).size() >= 3, "BatchNorm running stats mirrored");
        Tensor before = named.get("conv1.weight").clone();
        Tensor headBefore = named.get("head.weight").clone();

        m.train(true);
        Tensor x = input();
        Tensor y = torch.arange(new org.bytedeco.pytorch.Scalar(4L)).remainder(new org.bytedeco.pytorch.Scalar(10L));
        SGD sgd = new SGD(m.module().parameters(), new SGDOptions(0.1));
        float first = 0;
        float last = 0;
        for (int i = 0; i < 10; i++) {
            try (PointerScope scope = new PointerScope()) {
                sgd.zero_grad();
                Tensor loss = torch.cross_entropy(m.forward(x), y);
                loss.backward();
                sgd.step();
                last = loss.item_float();
                if (i == 0) {
                    first = last;
                }
            }
        }
        assertTrue(last < first * 0.8, "loss " + first + " -> " + last);
        // The optimiser updated the JIT module's own tensors: its forward sees the new weights.
        assertFalse(torch.equal(before, named.get("conv1.weight")));
        assertFalse(torch.equal(headBefore, named.get("head.weight")));
    }

    @Test
    void freezingTrainStepAndSaveRoundTrip() {
        TorchScriptModel m = TorchScriptModel.load(CNN);
        List<String> frozen = Parameters.freeze(m.module(), List.of("conv1.*"));
        assertEquals(List.of("conv1.weight", "conv1.bias"), frozen);
        Tensor conv1 = Parameters.named(m.module()).get("conv1.weight").clone();
        m.train(true);
        TrainStep step = new TrainStep(m, 1e-2, 0);
        Tensor x = input();
        Tensor y = torch.zeros(new long[] {4}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
        for (int i = 0; i < 3; i++) {
            try (PointerScope scope = new PointerScope()) {
                step.step(x, y);
            }
        }
        assertTrue(torch.equal(conv1, Parameters.named(m.module()).get("conv1.weight")), "frozen conv1 unchanged");

        m.train(false);
        Path saved = dir.resolve("trained.pt");
        m.save(saved);
        TorchScriptModel back = TorchScriptModel.load(saved);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            assertTrue(torch.equal(m.forward(x), back.forward(x)), "saved archive gives the trained model's logits");
        }
    }

    @Test
    void modelWithoutForwardFeaturesRunsButCannotBeTeacher() {
        TorchScriptModel m = TorchScriptModel.load(LINEAR);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            assertArrayEquals(new long[] {4, 10}, m.forward(input()).sizes().vec().get());
            assertFalse(m.hasFeatures());
            RobustifyException e = assertThrows(RobustifyException.class, () -> m.features(input()));
            assertTrue(e.getMessage().contains("has no forward_features method"), e.getMessage());
            assertTrue(e.getMessage().contains("scripted_linear.pt"), e.getMessage());
            assertThrows(RobustifyException.class, m::requireFeatures);
        }
    }

    @Test
    void missingAndCorruptFilesGiveClearErrors() throws Exception {
        Path missing = dir.resolve("nope.pt");
        RobustifyException e = assertThrows(RobustifyException.class, () -> TorchScriptModel.load(missing));
        assertTrue(e.getMessage().startsWith("TorchScript model not found"), e.getMessage());

        Path corrupt = dir.resolve("corrupt.pt");
        byte[] good = Files.readAllBytes(CNN);
        Files.write(corrupt, java.util.Arrays.copyOf(good, good.length / 3)); // truncated zip
        e = assertThrows(RobustifyException.class, () -> TorchScriptModel.load(corrupt));
        assertTrue(e.getMessage().contains("cannot load") && e.getMessage().contains("corrupt.pt"), e.getMessage());

        Path text = dir.resolve("text.pt");
        Files.writeString(text, "not a model");
        e = assertThrows(RobustifyException.class, () -> TorchScriptModel.load(text));
        assertTrue(e.getMessage().contains("torch.jit.script"), e.getMessage());
    }
}
