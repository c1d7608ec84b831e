package org.robustify.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.model.CnnSmall;
import org.robustify.model.InputSpec;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class WeightLoaderTest {
    private static final InputSpec SPEC = new InputSpec(1, 8, 8, 10);

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** A trained-looking source: non-default BatchNorm statistics and a non-zero batch counter. */
    private static CnnSmall source(InputSpec spec) {
        torch.manual_seed(1);
        CnnSmall m = new CnnSmall(spec);
        m.train(true);
        m.forward(torch.randn(4, 1, 8, 8));
        return m;
    }

    private static CnnSmall fresh(InputSpec spec) {
        torch.manual_seed(2);
        return new CnnSmall(spec);
    }

    /** Detached copies: the state the source had, independent of later changes. */
    private static Map<String, Tensor> snapshot(CnnSmall m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        WeightLoader.targets(m).forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }

    @Test
    void targetsAreParametersAndBuffers() {
        Map<String, Tensor> t = WeightLoader.targets(fresh(SPEC));
        assertTrue(t.keySet().containsAll(List.of("conv1.weight", "bn1.weight", "bn1.running_mean",
                "bn1.running_var", "bn1.num_batches_tracked", "fc2.bias")), t.keySet().toString());
    }

    @Test
    void strictLoadCopiesEverythingIntoTheSameTensors() {
        Map<String, Tensor> weights = snapshot(source(SPEC));
        CnnSmall target = fresh(SPEC);
        Parameters.freeze(target, List.of("conv1.*"));
        Map<String, Tensor> before = WeightLoader.targets(target);

        LoadReport r = WeightLoader.load(target, weights, true);

        assertTrue(r.complete());
        assertEquals(weights.size(), r.loaded().size());
        Map<String, Tensor> after = WeightLoader.targets(target);
        for (var e : weights.entrySet()) {
            Tensor now = after.get(e.getKey());
            assertTrue(now.equal(e.getValue()), e.getKey() + " not loaded");
            assertTrue(now.is_same(before.get(e.getKey())), e.getKey() + " was replaced, not copied into");
        }
        assertFalse(after.get("conv1.weight").requires_grad(), "frozen parameter was unfrozen");
        assertTrue(after.get("fc1.weight").requires_grad(), "trainable parameter lost requires_grad");
        assertEquals(ScalarType.Long, after.get("bn1.num_batches_tracked").scalar_type().intern());
        assertEquals(1L, after.get("bn1.num_batches_tracked").item_long());
    }

    @Test
    void valuesAreConvertedToTheParameterDtype() {
        Map<String, Tensor> weights = snapshot(source(SPEC));
        Map<String, Tensor> half = new LinkedHashMap<>();
        weights.forEach((k, v) -> half.put(k, v.is_floating_point() ? v.to(ScalarType.Half) : v.to(ScalarType.Double)));
        CnnSmall target = fresh(SPEC);
        WeightLoader.load(target, half, true);
        Tensor w = WeightLoader.targets(target).get("fc1.weight");
        assertEquals(ScalarType.Float, w.scalar_type().intern());
        assertTrue(w.equal(half.get("fc1.weight").to(ScalarType.Float)));
        assertEquals(ScalarType.Long, WeightLoader.targets(target).get("bn2.num_batches_tracked").scalar_type()
                .intern());
    }

    @Test
    void strictFailureListsEveryProblemWithShapesAndChangesNothing() {
        Map<String, Tensor> weights = snapshot(source(SPEC));
        weights.remove("fc2.bias");
        weights.remove("bn1.running_var");
        weights.put("extra.weight", torch.zeros(3, 2));
        weights.put("conv1.weight", torch.zeros(16, 1, 3, 3));
        CnnSmall target = fresh(SPEC);
        Map<String, Tensor> before = snapshot(target);

        RobustifyException e = assertThrows(RobustifyException.class, () -> WeightLoader.load(target, weights, true));

        String m = e.getMessage();
        assertTrue(m.contains("2 missing (in the model, not in the weights): bn1.running_var [32], fc2.bias [10]"), m);
        assertTrue(m.contains("1 unexpected (in the weights, not in the model): extra.weight [3, 2]"), m);
        assertTrue(m.contains("1 with another shape: conv1.weight (model [32, 1, 3, 3], weights [16, 1, 3, 3])"), m);
        WeightLoader.targets(target).forEach((k, v) -> assertTrue(v.equal(before.get(k)), k + " changed"));
    }

    @Test
    void nonStrictLoadsWhatFitsAndReportsTheRest() {
        Map<String, Tensor> weights = snapshot(source(SPEC));
        Tensor fc2Bias = weights.remove("fc2.bias");
        weights.put("extra.weight", torch.zeros(3));
        weights.put("conv1.weight", torch.zeros(16, 1, 3, 3));
        CnnSmall target = fresh(SPEC);
        Map<String, Tensor> before = snapshot(target);

        LoadReport r = WeightLoader.load(target, weights, false);

        assertFalse(r.complete());
        assertEquals(List.of("fc2.bias"), List.copyOf(r.missing().keySet()));
        assertArrayEquals(new long[] {10}, r.missing().get("fc2.bias"));
        assertEquals(List.of("extra.weight"), List.copyOf(r.unexpected().keySet()));
        assertEquals(1, r.mismatched().size());
        assertEquals("conv1.weight", r.mismatched().get(0).name());
        assertArrayEquals(new long[] {16, 1, 3, 3}, r.mismatched().get(0).weightShape());
        assertFalse(r.loaded().contains("conv1.weight"));
        assertTrue(r.loaded().contains("fc2.weight"));
        assertEquals(r.loaded().stream().sorted().toList(), r.loaded());

        Map<String, Tensor> after = WeightLoader.targets(target);
        assertTrue(after.get("fc2.weight").equal(weights.get("fc2.weight")));
        assertTrue(after.get("conv1.weight").equal(before.get("conv1.weight")), "mis-shaped key was touched");
        assertTrue(after.get("fc2.bias").equal(before.get("fc2.bias")), "missing key was touched");
        assertFalse(after.get("fc2.bias").equal(fc2Bias));
    }

    @Test
    void headExcludedLoadStartsFromACheckpointWithAnotherClassCount() {
        Map<String, Tensor> weights = snapshot(source(SPEC)); // 10 classes
        InputSpec five = new InputSpec(1, 8, 8, 5);
        CnnSmall target = fresh(five);
        Map<String, Tensor> before = snapshot(target);

        RobustifyException strict = assertThrows(RobustifyException.class,
                () -> WeightLoader.load(target, weights, true));
        assertTrue(strict.getMessage().contains("fc2.weight (model [5, 128], weights [10, 128])"),
                strict.getMessage());

        LoadReport r = WeightLoader.loadExceptHead(target, weights, "fc2");

        assertTrue(r.complete(), r.summary());
        assertEquals(List.of("fc2.bias", "fc2.weight"), r.skipped());
        Map<String, Tensor> after = WeightLoader.targets(target);
        for (String k : after.keySet()) {
            Tensor expected = k.startsWith("fc2.") ? before.get(k) : weights.get(k);
            assertTrue(after.get(k).equal(expected), k);
        }
    }

    @Test
    void headPrefixMatchesWholeNameSegmentsOnly() {
        Map<String, Tensor> weights = snapshot(source(SPEC));
        CnnSmall target = fresh(SPEC);
        // "fc" must not swallow "fc1.*"/"fc2.*": nothing is skipped, everything loads.
        LoadReport r = WeightLoader.loadExceptHead(target, weights, "fc");
        assertTrue(r.skipped().isEmpty(), r.skipped().toString());
        assertTrue(r.loaded().contains("fc1.weight"));
    }

    @Test
    void loadsASafetensorsFileAndNamesItInErrors() {
        CnnSmall src = source(SPEC);
        Path f = dir.resolve("cnn.safetensors");
        SafeTensors.write(f, WeightLoader.targets(src));
        CnnSmall target = fresh(SPEC);

        LoadReport r = WeightLoader.load(target, f, true);

        assertTrue(r.complete());
        Map<String, Tensor> want = WeightLoader.targets(src);
        WeightLoader.targets(target).forEach((k, v) -> assertTrue(v.equal(want.get(k)), k));

        CnnSmall other = fresh(new InputSpec(1, 8, 8, 5));
        RobustifyException e = assertThrows(RobustifyException.class, () -> WeightLoader.load(other, f, true));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("fc2.bias (model [5], "
                + "weights [10])"), e.getMessage());
        assertTrue(WeightLoader.loadExceptHead(other, f, "fc2").complete());
    }
}
