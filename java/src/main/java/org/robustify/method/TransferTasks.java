package org.robustify.method;

import java.util.List;
import java.util.Map;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

/** Downstream tasks for transfer probes, derived from data sets we already have. */
public final class TransferTasks {
    /** Fashion-MNIST's 10 classes coarsened into 4 garment groups. */
    public static final List<String> FASHION_GROUPS = List.of("tops", "bottoms", "footwear", "bags");
    private static final Map<String, String> FASHION_GROUP_OF = Map.of(
            "T-shirt/top", "tops", "Pullover", "tops", "Coat", "tops", "Shirt", "tops",
            "Trouser", "bottoms", "Dress", "bottoms",
            "Sandal", "footwear", "Sneaker", "footwear", "Ankle boot", "footwear",
            "Bag", "bags");

    private TransferTasks() {}

    /**
     * The same images relabelled: tops (T-shirt/top, Pullover, Coat, Shirt), bottoms (Trouser, Dress), footwear
     * (Sandal, Sneaker, Ankle boot), bags (Bag). Shares the pixel array.
     */
    public static ImageDataset fashionGroups(ImageDataset data) {
        if (!data.classNames().equals(FashionMnist.CLASSES)) {
            throw new RobustifyException("fashion groups need Fashion-MNIST's classes " + FashionMnist.CLASSES
                    + "; " + data.name() + " has " + data.classNames());
        }
        int[] groupOfClass = new int[data.numClasses()];
        for (int c = 0; c < groupOfClass.length; c++) {
            groupOfClass[c] = FASHION_GROUPS.indexOf(FASHION_GROUP_OF.get(data.classNames().get(c)));
        }
        int[] labels = new int[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = groupOfClass[data.labels()[i]];
        }
        return new ImageDataset(data.name() + "/groups", data.pixels(), labels, data.height(), data.width(),
                data.channels(), FASHION_GROUPS);
    }
}
