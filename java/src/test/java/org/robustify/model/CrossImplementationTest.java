package org.robustify.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.Npy;
import org.robustify.model.weights.DeterministicWeights;
import org.robustify.model.weights.LoadReport;
import org.robustify.model.weights.SafeDtype;
import org.robustify.model.weights.SafeTensors;
import org.robustify.model.weights.WeightLoader;
import org.robustify.runtime.NativeRuntime;
import org.robustify.util.Json;

/**
 * The Java zoo against timm: the committed fixtures (java/src/test/fixtures/models, written by
 * make_model_fixtures.py with torch 2.13.0 and timm) hold inputs and the logits of timm's resnet18 and vit_tiny
 * filled by {@link DeterministicWeights}'s formula. The same formula in Java must give the same logits.
 */
class CrossImplementationTest {
    static final Path FIXTURES = Path.of("src/test/fixtures/models");
    /** Max abs logit error allowed against timm (float32, different kernels and summation orders). */
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    static JsonNode manifest() throws Exception {
        return Json.MAPPER.readTree(FIXTURES.resolve("manifest.json").toFile());
    }

    @Test
    void formulaMatchesHandValuesAndPythonBitForBit() throws Exception {
        // FNV-1a 32 reference values (the published test vectors).
        assertEquals(0x811c9dc5L, DeterministicWeights.fnv1a32(""));
        assertEquals(0xe40c292cL, DeterministicWeights.fnv1a32("a"));
        assertEquals(0xbf9cf968L, DeterministicWeights.fnv1a32("foobar"));
        // By hand: u_0 = h / 2^32; a bias is ((u - 0.5) * 2) * 0.1.
        long h = DeterministicWeights.fnv1a32("fc.bias");
        assertEquals((float) (((h / 4294967296.0) - 0.5) * 2.0 * 0.1),
                DeterministicWeights.value("fc.bias", new long[] {10}, 0));
        // num_batches_tracked-like leaves aside, norm weights sit in [0.9, 1.1], running_var in [1, 1.5].
        float w = DeterministicWeights.value("bn1.weight", new long[] {64}, 5);
        assertTrue(w >= 0.9f && w <= 1.1f, "norm weight " + w);
        float v = DeterministicWeights.value("bn1.running_var", new long[] {64}, 5);
        assertTrue(v >= 1f && v <= 1.5f, "running_var " + v);

        JsonNode m = manifest();
        int checked = 0;
        for (var model : iterable(m.get("models").fields())) {
            Map<String, long[]> shapes = keyShapes(model.getValue());
            for (JsonNode p : model.getValue().get("probes")) {
                String key = p.get("key").asText();
                float got = DeterministicWeights.value(key, shapes.get(key), p.get("index").asLong());
                int bits = (int) Long.parseLong(p.get("bits").asText().substring(2), 16);
                assertEquals(bits, Float.floatToRawIntBits(got), model.getKey() + " " + key + "[" + p.get("index")
                        + "]: Java " + got + ", Python " + Float.intBitsToFloat(bits));
                checked++;
            }
        }
        assertEquals(10, checked);
    }

    @Test
    void committedInputsFollowTheFormula() {
        // The inputs were written by Python from u_i too: every element must agree (checks the formula on 12288
        // consecutive indexes, not just the probes).
        Npy.Float32Array x = Npy.readFloat32(FIXTURES.resolve("vit_tiny_32_input.npy"));
        long n = x.shape()[0];
        int per = x.data().length / (int) n;
        long h = DeterministicWeights.fnv1a32("input/vit_tiny_32");
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < per; i++) {
                long index = (long) b * per + i;
                float want = (float) (DeterministicWeights.unit(h, index) * ((b + 1.0) / n));
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(x.data()[(int) index]),
                        "input element " + index);
            }
        }
    }

    @Test
    void forShapesGivesTheSameTensorsAsFill() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            shapes.put("layer.weight", new long[] {4, 3, 3, 3});
            shapes.put("layer.bias", new long[] {4});
            shapes.put("bn.running_var", new long[] {4});
            shapes.put("bn.num_batches_tracked", new long[] {});
            Map<String, Tensor> t = DeterministicWeights.forShapes(shapes);
            assertEquals(List.copyOf(shapes.keySet()), List.copyOf(t.keySet()));
            assertEquals(ScalarType.Long, t.get("bn.num_batches_tracked").scalar_type().intern());
            assertEquals(0L, t.get("bn.num_batches_tracked").item_long());
            float[] w = floats(t.get("layer.weight"));
            assertEquals(108, w.length);
            for (int i = 0; i < w.length; i++) {
                assertEquals(DeterministicWeights.value("layer.weight", shapes.get("layer.weight"), i), w[i]);
                assertTrue(Math.abs(w[i]) <= 1 / Math.sqrt(27), "scale 1/sqrt(fan_in)");
            }
        }
    }

    @Test
    void readsTheSafetensorsFileThatPythonWrote() throws Exception {
        JsonNode want = Json.MAPPER.readTree(FIXTURES.resolve("python_written.json").toFile());
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> got = SafeTensors.read(FIXTURES.resolve("python_written.safetensors"));
            List<String> order = new ArrayList<>();
            want.get("header_order").forEach(n -> order.add(n.asText()));
            assertEquals(order, List.copyOf(got.keySet()), "file order");
            for (var e : iterable(want.get("tensors").fields())) {
                Tensor t = got.get(e.getKey());
                JsonNode w = e.getValue();
                assertEquals(w.get("dtype").asText(), SafeDtype.of(t.scalar_type().intern()).name(), e.getKey());
                assertArrayEquals(longs(w.get("shape")), t.sizes().vec().get(), e.getKey());
                double[] values = doubles(t);
                assertEquals(w.get("values").size(), values.length, e.getKey());
                for (int i = 0; i < values.length; i++) {
                    JsonNode v = w.get("values").get(i);
                    double expected = v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.isIntegralNumber()
                            ? (double) v.asLong() : v.asDouble();
                    assertEquals(expected, values[i], 0.0, e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void resnet18MatchesTimm() throws Exception {
        crossCheck("resnet18_64", "resnet18", new InputSpec(3, 64, 64, 10),
                ModelOptions.DEFAULT.withStem(ModelOptions.STEM_IMAGENET));
    }

    @Test
    void vitTinyMatchesTimm() throws Exception {
        crossCheck("vit_tiny_32", "vit_tiny", new InputSpec(3, 32, 32, 10), ModelOptions.DEFAULT.withPatchSize(4));
    }

    private void crossCheck(String fixture, String zooName, InputSpec spec, ModelOptions options) throws Exception {
        NativeRuntime.init();
        JsonNode m = manifest().get("models").get(fixture);
        Npy.Float32Array x = Npy.readFloat32(FIXTURES.resolve(m.get("input").asText()));
        Npy.Float32Array want = Npy.readFloat32(FIXTURES.resolve(m.get("logits").asText()));
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            ImageClassifier model = ModelZoo.create(zooName, spec, options);

            // Same names and shapes as timm's state_dict (parameters and buffers), in the same order.
            Map<String, long[]> expectedShapes = keyShapes(m);
            Map<String, long[]> actual = new LinkedHashMap<>();
            for (StringTensorDict d : List.of(model.module().named_parameters(true),
                    model.module().named_buffers(true))) {
                for (long i = 0; i < d.size(); i++) {
                    actual.put(d.get(i).key().getString(), d.get(i).value().sizes().vec().get());
                }
            }
            assertEquals(new java.util.TreeSet<>(expectedShapes.keySet()), new java.util.TreeSet<>(actual.keySet()),
                    fixture + ": key set");
            for (var e : expectedShapes.entrySet()) {
                assertArrayEquals(e.getValue(), actual.get(e.getKey()), fixture + " shape of " + e.getKey());
            }

            DeterministicWeights.fill(model.module());
            model.module().eval();
            Tensor input = tensor(x);
            float[] got = floats(model.forward(input));
            assertEquals(want.data().length, got.length, fixture + ": logits count");
            double maxErr = 0;
            for (int i = 0; i < got.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(got[i] - want.data()[i]));
            }
            // The deterministic ResNet's logits are dominated by biases (they differ by ~1e-3 between images), so
            // also compare the input-dependent part: logits minus their mean over the batch, relative to its size.
            double[] centredErr = centredError(got, want.data(), (int) want.shape()[0], (int) want.shape()[1]);
            System.out.printf("%s vs timm: max abs logit error %.3g (max |logit| %.3g); centred: error %.3g of "
                    + "max %.3g%n", fixture, maxErr, m.get("logits_max_abs").asDouble(), centredErr[0], centredErr[1]);
            assertTrue(maxErr <= TOLERANCE, fixture + ": max abs logit error " + maxErr + " > " + TOLERANCE);
            assertTrue(centredErr[0] <= 0.01 * centredErr[1], fixture + ": input-dependent part off by "
                    + centredErr[0] + " of " + centredErr[1]);

            // Round trip through a safetensors file into a fresh model: identical logits.
            Path file = dir.resolve(fixture + ".safetensors");
            SafeTensors.write(file, WeightLoader.targets(model.module()));
            ImageClassifier fresh = ModelZoo.create(zooName, spec, options);
            LoadReport report = WeightLoader.load(fresh.module(), file, true);
            assertTrue(report.complete(), report.summary());
            assertEquals(expectedShapes.size(), report.loaded().size());
            fresh.module().eval();
            assertArrayEquals(got, floats(fresh.forward(input)), fixture + ": logits after a safetensors round trip");
        }
    }

    /** max |(a - mean_batch a) - (b - mean_batch b)| and max |b - mean_batch b|. */
    private static double[] centredError(float[] a, float[] b, int n, int k) {
        double err = 0;
        double size = 0;
        for (int j = 0; j < k; j++) {
            double ma = 0;
            double mb = 0;
            for (int i = 0; i < n; i++) {
                ma += a[i * k + j];
                mb += b[i * k + j];
            }
            ma /= n;
            mb /= n;
            for (int i = 0; i < n; i++) {
                double cb = b[i * k + j] - mb;
                err = Math.max(err, Math.abs((a[i * k + j] - ma) - cb));
                size = Math.max(size, Math.abs(cb));
            }
        }
        return new double[] {err, size};
    }

    static Map<String, long[]> keyShapes(JsonNode model) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (JsonNode k : model.get("keys")) {
            out.put(k.get("name").asText(), longs(k.get("shape")));
        }
        return out;
    }

    static Tensor tensor(Npy.Float32Array a) {
        try (FloatPointer p = new FloatPointer(a.data())) {
            return torch.from_blob(p, a.shape(), new TensorOptions(ScalarType.Float)).clone();
        }
    }

    static float[] floats(Tensor t) {
        Tensor c = t.to(ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    private static double[] doubles(Tensor t) {
        Tensor c = t.to(ScalarType.Double).contiguous();
        double[] out = new double[(int) c.numel()];
        new org.bytedeco.javacpp.DoublePointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
