package org.robustify.model.weights;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.model.Parameters;
import org.robustify.runtime.RobustifyException;

/**
 * Weights computed from each tensor's name and index, identical to the last bit in Java and in Python
 * ({@code java/src/test/fixtures/models/make_model_fixtures.py}), so a Java model and its timm twin can be compared
 * without committing tens of MB of checkpoints. Scales follow the usual initialisations closely enough that
 * activations stay finite and the logits stay input-dependent; the values mean nothing else.
 *
 * <pre>
 * DETERMINISTIC WEIGHTS (same text in make_model_fixtures.py):
 *   tensor `name`, shape S, n elements, C-order index i = 0..n-1
 *   h   = FNV-1a-32(utf-8 bytes of name)        (offset 2166136261, prime 16777619, mod 2^32)
 *   k_i = (i * 2654435761 + h) mod 2^32          exact integer arithmetic
 *   u_i = k_i / 2^32                             exact in float64, in [0, 1)
 *   s_i = (u_i - 0.5) * 2.0                      exact in float64, in [-1, 1)
 *   value_i, computed in float64 and rounded ONCE to float32, by role (first match wins; "leaf" is the text after
 *   the last '.'):
 *     leaf num_batches_tracked        -&gt; 0 (int64)
 *     leaf running_mean               -&gt; s_i * 0.1
 *     leaf running_var                -&gt; 1.0 + 0.5 * u_i
 *     leaf cls_token or pos_embed     -&gt; s_i * 0.02
 *     rank &gt;= 2                       -&gt; s_i * (1.0 / sqrt(fan_in)),  fan_in = n / S[0]
 *     rank 1, leaf weight (BN/LN)     -&gt; 1.0 + s_i * 0.1
 *     rank 1, leaf bias               -&gt; s_i * 0.1
 *     anything else                   -&gt; s_i
 *   Non-floating tensors (integer, bool) are set to 0; floating tensors of other dtypes get the float32 value
 *   converted by libtorch.
 * </pre>
 *
 * Every step is exact except the two marked roundings (the product with the scale, then to float32), and both IEEE
 * roundings are the same in numpy and in Java, hence bit-exact agreement.
 */
public final class DeterministicWeights {
    private static final long FNV_OFFSET = 2166136261L;
    private static final long FNV_PRIME = 16777619L;
    private static final long GOLDEN = 2654435761L;
    private static final long MASK32 = 0xFFFFFFFFL;
    private static final double TWO_POW_32 = 4294967296.0;

    private DeterministicWeights() {}

    /** FNV-1a, 32 bits, over the UTF-8 bytes of {@code name}. */
    public static long fnv1a32(String name) {
        long h = FNV_OFFSET;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h = (h * FNV_PRIME) & MASK32;
        }
        return h;
    }

    /** u_i of the formula: exact, in [0, 1). */
    public static double unit(long hash, long index) {
        // index * GOLDEN may overflow a long, but wrapping is arithmetic mod 2^64, so the low 32 bits are exact.
        return ((index * GOLDEN + hash) & MASK32) / TWO_POW_32;
    }

    /** The value of element {@code index} (C order) of a floating tensor {@code name} with {@code shape}. */
    public static float value(String name, long[] shape, long index) {
        return (float) compute(role(name, shape), unit(fnv1a32(name), index), scale(name, shape));
    }

    /** All values of a floating tensor, C order. */
    public static float[] values(String name, long[] shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 16) {
            throw new RobustifyException("tensor '" + name + "' has " + n + " elements; too many for one Java array");
        }
        Role role = role(name, shape);
        double scale = scale(name, shape);
        long h = fnv1a32(name);
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) compute(role, unit(h, i), scale);
        }
        return out;
    }

    /**
     * Fills every parameter and buffer of {@code module} (names as in named_parameters()/named_buffers(), recursive)
     * in place, without recording gradients. Returns the number of tensors filled.
     */
    public static int fill(Module module) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        all.putAll(Parameters.named(module));
        all.putAll(Parameters.namedBuffers(module));
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor t = e.getValue();
                    if (!isFloating(t.scalar_type())) {
                        t.zero_();
                        continue;
                    }
                    Tensor v = floatTensor(e.getKey(), t.sizes().vec().get());
                    t.copy_(v);
                }
            }
        }
        return all.size();
    }

    /**
     * New CPU tensors for the given names and shapes (file order kept): float32 by the formula, int64 zeros for
     * {@code num_batches_tracked}. For writing weight files without building a model.
     */
    public static Map<String, Tensor> forShapes(Map<String, long[]> shapes) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] shape = e.getValue();
            if (role(e.getKey(), shape) == Role.ZERO_INT) {
                out.put(e.getKey(), torch.zeros(shape, new TensorOptions(ScalarType.Long)));
            } else {
                out.put(e.getKey(), floatTensor(e.getKey(), shape));
            }
        }
        return out;
    }

    private enum Role { ZERO_INT, RUNNING_MEAN, RUNNING_VAR, SCALED, NORM_WEIGHT }

    private static Role role(String name, long[] shape) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        if (leaf.equals("num_batches_tracked")) {
            return Role.ZERO_INT;
        }
        if (leaf.equals("running_mean")) {
            return Role.RUNNING_MEAN;
        }
        if (leaf.equals("running_var")) {
            return Role.RUNNING_VAR;
        }
        if (shape.length == 1 && leaf.equals("weight")) {
            return Role.NORM_WEIGHT;
        }
        return Role.SCALED;
    }

    /** The scale of SCALED (and RUNNING_MEAN) tensors, in the formula's order of rules. */
    private static double scale(String name, long[] shape) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        if (leaf.equals("running_mean")) {
            return 0.1;
        }
        if (leaf.equals("cls_token") || leaf.equals("pos_embed")) {
            return 0.02;
        }
        if (shape.length >= 2) {
            long n = numel(shape);
            return n == 0 ? 1.0 : 1.0 / Math.sqrt((double) (n / shape[0]));
        }
        if (shape.length == 1 && leaf.equals("bias")) {
            return 0.1;
        }
        return 1.0;
    }

    private static double compute(Role role, double u, double scale) {
        double s = (u - 0.5) * 2.0;
        return switch (role) {
            case ZERO_INT -> 0.0;
            case RUNNING_MEAN, SCALED -> s * scale;
            case RUNNING_VAR -> 1.0 + 0.5 * u;
            case NORM_WEIGHT -> 1.0 + s * 0.1;
        };
    }

    private static Tensor floatTensor(String name, long[] shape) {
        float[] v = values(name, shape);
        try (FloatPointer p = new FloatPointer(v)) {
            return torch.from_blob(p, shape, new TensorOptions(ScalarType.Float)).clone();
        }
    }

    private static boolean isFloating(ScalarType type) {
        // Returned enums are fresh instances (JavaCPP): intern() before comparing by identity.
        ScalarType t = type.intern();
        return t == ScalarType.Float || t == ScalarType.Double || t == ScalarType.Half || t == ScalarType.BFloat16;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
