package org.robustify.model.vit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bytedeco.pytorch.Module;

/**
 * The "blocks" container, children "0", "1", ... as timm's nn.Sequential names them. The list keeps a strong Java
 * reference to each block so the GC cannot free a module libtorch still uses.
 */
public final class VitBlocks extends Module {
    public final List<VitBlock> blocks;

    public VitBlocks(int depth, long dim, long heads, long mlpHidden) {
        List<VitBlock> list = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            list.add(register_module(Integer.toString(i), new VitBlock(dim, heads, mlpHidden)));
        }
        blocks = Collections.unmodifiableList(list);
    }
}
