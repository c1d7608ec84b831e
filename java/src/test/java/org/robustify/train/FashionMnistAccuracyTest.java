package org.robustify.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;

/** The foundation's promise on real data: cnn-small passes 85% test accuracy within its first epoch. */
class FashionMnistAccuracyTest {
    @TempDir
    Path out;

    @Test
    void oneEpochReaches85Percent() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        TrainConfig config = new TrainConfig("cnn-small", 1, 64, 1e-3, 0, 0, 2, 0, 0, 1000, null, out, List.of(),
                false);
        Trainer.Summary s = new Trainer(config).run();
        assertTrue(s.testAccuracy() >= 0.85, "test accuracy " + s.testAccuracy());
    }
}
