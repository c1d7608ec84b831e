package org.robustify.method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.Parameters;
import org.robustify.runtime.RobustifyException;

/**
 * WiSE-FT (Wortsman et al., CVPR 2022), the method's weight-space baseline: θ = (1 − a)·θ_pre + a·θ_ft over every
 * floating-point parameter and buffer, BatchNorm running statistics included. Integer and boolean buffers (e.g.
 * num_batches_tracked) cannot be mixed: they are taken from the fine-tuned model, except at a = 0, where the result
 * is exactly the pre-trained model. Uses libtorch's lerp, which returns θ_pre exactly at a = 0 and θ_ft exactly at
 * a = 1 (for finite weights).
 */
public final class WiseFt {
    private static final int MAX_LISTED = 5;

    private WiseFt() {}

    /** into := interpolation of pre and ft (into may be pre or ft itself, or a third model of the same structure). */
    public static void interpolate(Module pre, Module ft, double a, Module into) {
        Map<String, Tensor> state = interpolatedState(pre, ft, a);
        Map<String, Tensor> target = state(into);
        checkSame(state, target, "interpolated state", "target model");
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : state.entrySet()) {
                target.get(e.getKey()).copy_(e.getValue());
            }
        }
    }

    /** A new state map (parameters then buffers, by name) holding the interpolation; the models are untouched. */
    public static Map<String, Tensor> interpolatedState(Module pre, Module ft, double a) {
        checkAlpha(a);
        Map<String, Tensor> p = state(pre);
        Map<String, Tensor> f = state(ft);
        checkSame(p, f, "pre-trained model", "fine-tuned model");
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : p.entrySet()) {
                Tensor tp = e.getValue();
                Tensor tf = f.get(e.getKey());
                Tensor mixed;
                if (tp.is_floating_point()) {
                    mixed = torch.lerp(tp, tf, new Scalar(a));
                } else {
                    mixed = (a == 0 ? tp : tf).clone();
                }
                out.put(e.getKey(), mixed);
            }
        }
        return out;
    }

    /** {@code steps + 1} evenly spaced values 0, 1/steps, ..., 1 (e.g. steps = 10 gives 0, 0.1, ..., 1). */
    public static List<Double> sweep(int steps) {
        if (steps < 1) {
            throw new RobustifyException("a WiSE-FT sweep needs steps >= 1; got " + steps);
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i <= steps; i++) {
            out.add(i == steps ? 1.0 : i / (double) steps);
        }
        return out;
    }

    public static void checkAlpha(double a) {
        if (!(a >= 0 && a <= 1)) {
            throw new RobustifyException("WiSE-FT mixing coefficient a must be in [0, 1]; got " + a);
        }
    }

    private static Map<String, Tensor> state(Module m) {
        Map<String, Tensor> s = new LinkedHashMap<>(Parameters.named(m));
        s.putAll(Parameters.namedBuffers(m));
        return s;
    }

    private static void checkSame(Map<String, Tensor> a, Map<String, Tensor> b, String aName, String bName) {
        List<String> problems = new ArrayList<>();
        for (String k : a.keySet()) {
            if (!b.containsKey(k)) {
                problems.add("'" + k + "' missing from the " + bName);
            }
        }
        for (String k : b.keySet()) {
            if (!a.containsKey(k)) {
                problems.add("'" + k + "' missing from the " + aName);
            }
        }
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            Tensor other = b.get(e.getKey());
            if (other == null) {
                continue;
            }
            Tensor t = e.getValue();
            if (!t.is_same_size(other)) {
                problems.add("'" + e.getKey() + "' has shape " + shape(t) + " in the " + aName + " but "
                        + shape(other) + " in the " + bName);
            } else if (t.scalar_type().intern() != other.scalar_type().intern()) {
                problems.add("'" + e.getKey() + "' has dtype " + t.scalar_type().intern() + " in the " + aName
                        + " but " + other.scalar_type().intern() + " in the " + bName);
            }
        }
        if (!problems.isEmpty()) {
            List<String> shown = problems.subList(0, Math.min(MAX_LISTED, problems.size()));
            throw new RobustifyException("WiSE-FT needs two models of the same structure; the " + aName + " and the "
                    + bName + " differ in " + problems.size() + " tensors: " + String.join("; ", shown)
                    + (problems.size() > MAX_LISTED ? "; ..." : ""));
        }
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.sizes().vec().get());
    }
}
