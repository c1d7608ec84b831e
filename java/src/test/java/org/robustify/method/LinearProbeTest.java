package org.robustify.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.BlockModel;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class LinearProbeTest {
    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** Three Gaussian blobs far apart in 8-D: a probe must separate them almost perfectly; chance is 1/3. */
    @Test
    void separatesLinearlySeparableFeatures() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(51);
            Tensor centres = torch.randn(3, 8).mul(new Scalar(4));
            LinearProbe.Features train = blobs(centres, 300);
            LinearProbe.Features test = blobs(centres, 150);
            LinearProbe.Result r = LinearProbe.fit(train, test, LinearProbe.Options.defaults());
            assertTrue(r.testAccuracy() > 0.95, "test accuracy " + r.testAccuracy());
            assertEquals(8, r.featureDim());
            assertEquals(3, r.classes());
            assertEquals(r, withSeconds(LinearProbe.fit(train, test, LinearProbe.Options.defaults()), r.seconds()),
                    "deterministic");
        }
    }

    /** Frozen features of an untrained ResNet-18 on 600 Fashion-MNIST images: far above the 10 % of chance. */
    @Test
    void probesFashionMnistFeatures() {
        assumeTrue(Files.isDirectory(FashionMnist.resolveDir(null)), "Fashion-MNIST not installed");
        ImageDataset all = FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TEST);
        ImageDataset train = slice(all, 0, 600);
        ImageDataset test = slice(all, 600, 300);
        try (PointerScope scope = new PointerScope()) {
            BlockModel model = MethodFixtures.resnet18(52);
            LinearProbe.Result r = LinearProbe.run(model::features, train, test, FashionMnist.MEAN, FashionMnist.STD,
                    new LinearProbe.Options(200, 0.01, 1e-4, 200));
            System.out.println("linear probe, untrained resnet18 features, 600/300 Fashion-MNIST: " + r);
            assertTrue(r.testAccuracy() > 0.5, "test accuracy " + r.testAccuracy());

            ImageDataset groups = TransferTasks.fashionGroups(train);
            RobustifyException e = assertThrows(RobustifyException.class, () -> LinearProbe.run(model::features,
                    groups, test, FashionMnist.MEAN, FashionMnist.STD, LinearProbe.Options.defaults()));
            assertTrue(e.getMessage().contains("different classes"), e.getMessage());
        }
    }

    /** The helper's features are what the branch's heads see: clean(features) == forwardAll().clean(). */
    @Test
    void branchFeaturesFeedTheBranchHeads() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            BranchedModel b = MethodFixtures.branched(53);
            // Move the copied blocks away from the original, so an accidental use of the original path shows.
            torch.manual_seed(54);
            for (var e : org.robustify.model.Parameters.named(b).entrySet()) {
                if (e.getKey().startsWith("branch.") && e.getKey().endsWith("conv2.weight")) {
                    e.getValue().add_(torch.randn(e.getValue().sizes().vec().get()).mul(new Scalar(0.05)));
                }
            }
            BranchFeatures features = new BranchFeatures(b);
            Tensor x = torch.randn(6, 1, 28, 28);
            Tensor f = features.apply(x);
            assertEquals(b.original().featureDim(), f.size(1));
            var l = b.forwardAll(x);
            assertTrue(b.clean.forward(f).equal(l.clean()), "clean head on branch features");
            assertTrue(b.robust.forward(f).equal(l.robust()), "robust head on branch features");
            assertTrue(!b.original().features(x).equal(f), "branch features differ from the original's");
        }
    }

    @Test
    void fashionGroupsRelabel() {
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        ImageDataset d = new ImageDataset("toy", new byte[10 * 4], labels, 2, 2, 1, FashionMnist.CLASSES);
        ImageDataset g = TransferTasks.fashionGroups(d);
        assertEquals(List.of("tops", "bottoms", "footwear", "bags"), g.classNames());
        // T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot
        assertEquals(List.of(0, 1, 0, 1, 0, 2, 0, 2, 3, 2), java.util.Arrays.stream(g.labels()).boxed().toList());
        assertTrue(g.pixels() == d.pixels(), "pixels are shared");
        ImageDataset other = new ImageDataset("digits", new byte[4], new int[] {0}, 2, 2, 1, List.of("a", "b"));
        assertTrue(assertThrows(RobustifyException.class, () -> TransferTasks.fashionGroups(other)).getMessage()
                .contains("Fashion-MNIST's classes"));
    }

    private static LinearProbe.Features blobs(Tensor centres, int perClass) {
        int classes = (int) centres.size(0);
        Tensor x = centres.repeat_interleave(perClass, new LongOptional(0), new LongOptional())
                .add(torch.randn(classes * perClass, centres.size(1)));
        int[] y = new int[classes * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / perClass;
        }
        return new LinearProbe.Features(x, y, classes);
    }

    private static LinearProbe.Result withSeconds(LinearProbe.Result r, double seconds) {
        return new LinearProbe.Result(r.trainAccuracy(), r.testAccuracy(), r.trainSize(), r.testSize(), r.featureDim(),
                r.classes(), r.steps(), seconds);
    }

    private static ImageDataset slice(ImageDataset d, int from, int n) {
        byte[] p = java.util.Arrays.copyOfRange(d.pixels(), from * d.imageBytes(), (from + n) * d.imageBytes());
        int[] l = java.util.Arrays.copyOfRange(d.labels(), from, from + n);
        return new ImageDataset(d.name() + "[" + from + ":" + (from + n) + "]", p, l, d.height(), d.width(),
                d.channels(), d.classNames());
    }
}
