package org.robustify.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.model.CnnSmall;
import org.robustify.model.InputSpec;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.ResidentMemory;

class TrainingTest {
    private static final InputSpec SPEC = new InputSpec(1, 28, 28, 10);

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void frozenParametersStayBitIdenticalWhileOthersLearn() {
        torch.manual_seed(1);
        CnnSmall model = new CnnSmall(SPEC);
        List<String> frozen = Parameters.freeze(model, List.of("conv1.*", "bn1.*", "*.bias"));
        assertTrue(frozen.containsAll(List.of("conv1.weight", "conv1.bias", "bn1.weight", "fc2.bias")));
        Map<String, Tensor> before = new LinkedHashMap<>();
        Parameters.named(model).forEach((name, t) -> before.put(name, t.detach().clone()));
        TrainStep step = new TrainStep(model, 1e-2, 0.01);
        Tensor x = torch.randn(16, 1, 28, 28);
        Tensor y = torch.randint(10L, new long[] {16});
        for (int i = 0; i < 20; i++) {
            try (PointerScope scope = new PointerScope()) {
                step.step(x, y);
            }
        }
        Map<String, Tensor> after = Parameters.named(model);
        for (var e : before.entrySet()) {
            boolean same = e.getValue().equal(after.get(e.getKey()));
            if (frozen.contains(e.getKey())) {
                assertTrue(same, e.getKey() + " is frozen but changed");
                assertFalse(after.get(e.getKey()).grad().defined(), e.getKey() + " received a gradient");
            } else {
                assertFalse(same, e.getKey() + " is trainable but did not change");
            }
        }
        assertEquals(Parameters.count(model, false) - Parameters.count(model, true),
                frozen.stream().mapToLong(n -> after.get(n).numel()).sum());
    }

    @Test
    void lossFallsWhenOverfittingOneBatch() {
        torch.manual_seed(2);
        CnnSmall model = new CnnSmall(SPEC);
        TrainStep step = new TrainStep(model, 1e-3, 0);
        Tensor x = torch.randn(32, 1, 28, 28);
        Tensor y = torch.randint(10L, new long[] {32});
        float first = 0;
        float last = 0;
        for (int i = 0; i < 40; i++) {
            try (PointerScope scope = new PointerScope()) {
                float loss = step.step(x, y).loss();
                first = i == 0 ? loss : first;
                last = loss;
            }
        }
        assertTrue(last < first * 0.2, "loss " + first + " -> " + last);
    }

    @Test
    void freezingEverythingOrATypoIsAnError() {
        CnnSmall model = new CnnSmall(SPEC);
        RobustifyException typo = assertThrows(RobustifyException.class,
                () -> Parameters.freeze(model, List.of("conv9.*")));
        assertTrue(typo.getMessage().contains("matches no parameter"), typo.getMessage());
        Parameters.freeze(model, List.of("*"));
        assertThrows(RobustifyException.class, () -> new TrainStep(model, 1e-3, 0));
    }

    /** One PointerScope per step keeps libtorch memory flat (without it: +8.5 MB per step, see stack notes). */
    @Test
    void residentMemoryStaysFlatOver1000Steps() {
        assumeLinux();
        torch.manual_seed(3);
        CnnSmall model = new CnnSmall(SPEC);
        TrainStep step = new TrainStep(model, 1e-3, 0);
        long afterWarmup = 0;
        for (int i = 0; i < 1000; i++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor x = torch.randn(32, 1, 28, 28);
                Tensor y = torch.randint(10L, new long[] {32});
                step.step(x, y);
            }
            if (i == 199) {
                afterWarmup = ResidentMemory.bytes();
            }
        }
        long growth = ResidentMemory.bytes() - afterWarmup;
        assertTrue(growth < 48L << 20, "RSS grew by " + (growth >> 20) + " MiB over 800 steps");
    }

    @Test
    void checkpointRoundTripGivesIdenticalOutputs() throws java.io.IOException {
        torch.manual_seed(4);
        CnnSmall a = new CnnSmall(SPEC);
        TrainStep step = new TrainStep(a, 1e-2, 0);
        try (PointerScope scope = new PointerScope()) {
            step.step(torch.randn(8, 1, 28, 28), torch.randint(10L, new long[] {8}));
        }
        Path file = dir.resolve("model.pt");
        Checkpoint.save(a, file);
        torch.manual_seed(99);
        CnnSmall b = new CnnSmall(SPEC);
        Checkpoint.load(b, file);
        a.eval();
        b.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = torch.randn(4, 1, 28, 28);
            assertTrue(a.forward(x).equal(b.forward(x)));
        }
        try (var files = fileList()) {
            assertEquals(List.of("model.pt"), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void corruptCheckpointIsAClearError() throws Exception {
        Path file = dir.resolve("bad.pt");
        Files.writeString(file, "not a checkpoint");
        RobustifyException e = assertThrows(RobustifyException.class, () -> Checkpoint.load(new CnnSmall(SPEC), file));
        assertTrue(e.getMessage().contains("cannot load checkpoint"), e.getMessage());
        assertThrows(RobustifyException.class, () -> Checkpoint.load(new CnnSmall(SPEC), dir.resolve("none.pt")));
    }

    private java.util.stream.Stream<String> fileList() throws java.io.IOException {
        return Files.list(dir).map(p -> p.getFileName().toString());
    }

    private static void assumeLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ResidentMemory.bytes() > 0, "needs /proc/self/status");
    }
}
