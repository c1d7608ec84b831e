package org.robustify.model.resnet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bytedeco.pytorch.Module;

/**
 * One of layer1..layer4: residual blocks registered as "0", "1", ... (torchvision's nn.Sequential names). The
 * list keeps a strong Java reference to each block so the GC cannot free a module libtorch still uses.
 */
public final class ResNetStage<B extends ResidualBlock> extends Module {
    public final List<B> blocks;

    /** Builds one block: (input channels, planes, stride). */
    @FunctionalInterface
    public interface BlockFactory<B extends ResidualBlock> {
        B create(long inChannels, long planes, long stride);
    }

    ResNetStage(BlockFactory<B> factory, long inChannels, long planes, int count, long stride) {
        List<B> list = new ArrayList<>(count);
        long in = inChannels;
        for (int i = 0; i < count; i++) {
            B block = register_module(Integer.toString(i), factory.create(in, planes, i == 0 ? stride : 1));
            list.add(block);
            in = planes * block.expansion();
        }
        blocks = Collections.unmodifiableList(list);
    }

}
