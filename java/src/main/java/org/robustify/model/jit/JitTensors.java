package org.robustify.model.jit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedJitModule;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.named_buffer_iterator;
import org.bytedeco.pytorch.named_buffer_list;
import org.bytedeco.pytorch.named_module_iterator;
import org.bytedeco.pytorch.named_module_list;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;

/**
 * Reads a JitModule's named parameters, buffers and children into Java maps. The JIT iterators must be compared
 * with {@code notEquals}: Java's {@code equals} is identity, so an equals-loop runs past the end and crashes.
 */
final class JitTensors {
    private JitTensors() {}

    /** Parameters by dotted name ("conv1.weight"), in the module's order. The Tensors share the JIT's storage. */
    static Map<String, Tensor> parameters(JitModule m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        named_parameter_list list = m.named_parameters(true);
        named_parameter_iterator end = list.end();
        for (named_parameter_iterator it = list.begin(); it.notEquals(end); it.increment()) {
            put(out, it.access());
        }
        return out;
    }

    /** Buffers (BatchNorm running statistics and the like) by dotted name. */
    static Map<String, Tensor> buffers(JitModule m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        named_buffer_list list = m.named_buffers(true);
        named_buffer_iterator end = list.end();
        for (named_buffer_iterator it = list.begin(); it.notEquals(end); it.increment()) {
            put(out, it.access());
        }
        return out;
    }

    /** Direct children by name. */
    static Map<String, JitModule> children(JitModule m) {
        Map<String, JitModule> out = new LinkedHashMap<>();
        named_module_list list = m.named_children();
        named_module_iterator end = list.end();
        for (named_module_iterator it = list.begin(); it.notEquals(end); it.increment()) {
            NamedJitModule item = it.access();
            out.put(item.name().getString(), new JitModule(item.value()));
        }
        return out;
    }

    private static void put(Map<String, Tensor> out, NamedTensor item) {
        // A new handle on the same TensorImpl: the NamedTensor is a temporary the iterator owns.
        out.put(item.name().getString(), new Tensor(item.value()));
    }
}
