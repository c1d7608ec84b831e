package org.robustify.model.freeze;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.Parameters;

/**
 * Which part of a model each parameter belongs to: "stem", a block ("layer2.1", "blocks.3"), "pool" (e.g. ViT's
 * final norm), "head". Parts are found from the model itself (block prefixes, the head module's tensors, registration
 * order), not from hard-coded names, so any {@link BlockModel} works. For other models each parameter's group is
 * its first name component ("conv1", "fc2") and stem/head/blocks are unknown.
 */
public final class ModelLayout {
    public static final String STEM = "stem";
    public static final String POOL = "pool";
    public static final String HEAD = "head";

    private final Map<String, Tensor> params;
    private final Map<String, String> groupOf = new LinkedHashMap<>();
    private final List<String> groups = new ArrayList<>();
    private final BlockModel blockModel;
    private final Set<String> normParams;

    public ModelLayout(ImageClassifier model) {
        Module root = model.module();
        this.params = Parameters.named(root);
        this.blockModel = model instanceof BlockModel b ? b : null;
        this.normParams = normParameters(root);
        if (blockModel == null) {
            for (String name : params.keySet()) {
                assign(name, name.contains(".") ? name.substring(0, name.indexOf('.')) : name);
            }
            return;
        }
        Set<Long> head = identities(blockModel.headModule());
        List<String> blockPrefixes = new ArrayList<>();
        for (int i = 0; i < blockModel.numBlocks(); i++) {
            blockPrefixes.add(blockModel.blockName(i) + ".");
        }
        // Registration order: whatever comes before the first block parameter (and is not the head) is the stem,
        // whatever comes after (and is not the head) is the pooling step.
        boolean seenBlock = false;
        groups.add(STEM);
        for (int i = 0; i < blockModel.numBlocks(); i++) {
            groups.add(blockModel.blockName(i));
        }
        groups.add(POOL);
        groups.add(HEAD);
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            String name = e.getKey();
            String group = null;
            if (head.contains(identity(e.getValue()))) {
                group = HEAD;
            } else {
                for (int i = 0; i < blockPrefixes.size(); i++) {
                    if (name.startsWith(blockPrefixes.get(i))) {
                        group = blockModel.blockName(i);
                        seenBlock = true;
                        break;
                    }
                }
            }
            if (group == null) {
                group = seenBlock ? POOL : STEM;
            }
            groupOf.put(name, group);
        }
        groups.removeIf(g -> !groupOf.containsValue(g));
    }

    private void assign(String name, String group) {
        groupOf.put(name, group);
        if (!groups.contains(group)) {
            groups.add(group);
        }
    }

    public boolean isBlockModel() {
        return blockModel != null;
    }

    public BlockModel blockModel() {
        return blockModel;
    }

    public Map<String, Tensor> params() {
        return params;
    }

    /** Group labels in model order. */
    public List<String> groups() {
        return groups;
    }

    public String groupOf(String name) {
        return groupOf.get(name);
    }

    /** Parameter names of one group, in registration order. */
    public List<String> namesIn(String group) {
        List<String> out = new ArrayList<>();
        groupOf.forEach((n, g) -> {
            if (g.equals(group)) {
                out.add(n);
            }
        });
        return out;
    }

    /** Names of the parameters that belong to normalisation layers (BatchNorm, LayerNorm, GroupNorm, ...). */
    public Set<String> normParams() {
        return normParams;
    }

    /** Tensor identity (the TensorImpl address): a parameter reached through two modules is the same tensor. */
    static long identity(Tensor t) {
        return t.unsafeGetTensorImpl().address();
    }

    static Set<Long> identities(Module m) {
        Set<Long> out = new HashSet<>();
        for (Tensor t : Parameters.named(m).values()) {
            out.add(identity(t));
        }
        return out;
    }

    /** libtorch names its built-in modules by C++ type ("torch::nn::BatchNorm2dImpl"): every norm has "Norm". */
    private static Set<String> normParameters(Module root) {
        Set<String> out = new HashSet<>();
        StringSharedModuleDict modules = root.named_modules("", true);
        for (long i = 0; i < modules.size(); i++) {
            var item = modules.get(i);
            Module m = item.value();
            if (!m.name().getString().contains("Norm")) {
                continue;
            }
            String prefix = item.key().getString();
            StringTensorDict own = m.named_parameters(false);
            for (long j = 0; j < own.size(); j++) {
                String local = own.get(j).key().getString();
                out.add(prefix.isEmpty() ? local : prefix + "." + local);
            }
        }
        return out;
    }
}
