package org.robustify.model.branch;

import java.util.Map;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.Parameters;
import org.robustify.runtime.RobustifyException;

/** Copies a module's state (parameters AND buffers) into a module of the same structure. */
public final class ModuleState {
    private ModuleState() {}

    /**
     * dst := src, tensor by tensor (copy_, so dst keeps its own storage and stays independent of src). Both must
     * have the same parameter and buffer names and shapes; otherwise nothing sensible can be copied.
     */
    public static void copy(Module src, Module dst, String what) {
        // A fresh module is float32 on the CPU; give it the source's device and dtype first, so copy_ does not
        // silently cast a GPU or half-precision model's weights into a CPU float32 copy.
        Map<String, Tensor> srcParams = Parameters.named(src);
        if (!srcParams.isEmpty()) {
            Tensor first = srcParams.values().iterator().next();
            dst.to(first.device(), first.scalar_type().intern(), false);
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            copyAll(Parameters.named(src), Parameters.named(dst), what, "parameter");
            copyAll(Parameters.namedBuffers(src), Parameters.namedBuffers(dst), what, "buffer");
        }
    }

    private static void copyAll(Map<String, Tensor> from, Map<String, Tensor> to, String what, String kind) {
        if (!from.keySet().equals(to.keySet())) {
            throw new RobustifyException("cannot copy " + what + ": " + kind + " names differ; source "
                    + from.keySet() + ", copy " + to.keySet());
        }
        for (Map.Entry<String, Tensor> e : from.entrySet()) {
            Tensor dst = to.get(e.getKey());
            Tensor src = e.getValue();
            if (!dst.is_same_size(src)) {
                throw new RobustifyException("cannot copy " + what + ": " + kind + " '" + e.getKey()
                        + "' has a different shape in the copy");
            }
            dst.copy_(src);
        }
    }
}
