package org.robustify.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Test helper: clones of a module's parameters and buffers, to compare bit for bit after training. */
final class ModelSnapshots {
    private ModelSnapshots() {}

    static Map<String, Tensor> params(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Parameters.named(m).forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }

    static Map<String, Tensor> buffers(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Parameters.namedBuffers(m).forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }
}
