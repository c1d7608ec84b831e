package org.robustify.train;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.OutputArchive;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;

/** Model weights in libtorch's archive format, written atomically (an interrupted save keeps the old file). */
public final class Checkpoint {
    private Checkpoint() {}

    public static void save(Module model, Path file) {
        AtomicFiles.write(file, tmp -> {
            OutputArchive archive = new OutputArchive();
            model.save(archive);
            archive.save_to(tmp.toString());
        });
    }

    public static void load(Module model, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RobustifyException("checkpoint not found: " + file);
        }
        try {
            InputArchive archive = new InputArchive();
            archive.load_from(file.toString());
            model.load(archive);
        } catch (RuntimeException e) {
            throw new RobustifyException("cannot load checkpoint " + file + " (corrupt, or saved from another "
                    + "architecture): " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
