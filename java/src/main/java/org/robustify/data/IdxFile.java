package org.robustify.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.robustify.runtime.RobustifyException;

/**
 * Reader for IDX files (the MNIST family's format), gzipped or not: big-endian magic {@code 0x0000 type ndim},
 * ndim big-endian int32 sizes, then the data. Only unsigned-byte data (type 0x08) is used by these data sets.
 */
public final class IdxFile {
    private static final int UNSIGNED_BYTE = 0x08;

    private final int[] dims;
    private final byte[] data;

    private IdxFile(int[] dims, byte[] data) {
        this.dims = dims;
        this.data = data;
    }

    public int[] dims() {
        return dims.clone();
    }

    public byte[] data() {
        return data;
    }

    public static IdxFile read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return parse(new DataInputStream(in), file);
        } catch (NoSuchFileException e) {
            throw new RobustifyException("missing IDX file " + file);
        } catch (EOFException e) {
            throw new RobustifyException("truncated IDX file " + file + ": it ends before the data its header "
                    + "announces (re-install or re-download it)");
        } catch (ZipException e) {
            throw new RobustifyException("corrupt gzip stream in " + file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static IdxFile parse(DataInputStream in, Path file) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int ndim = magic & 0xff;
        if ((magic >>> 16) != 0 || ndim < 1 || ndim > 4) {
            throw new RobustifyException(file + " is not an IDX file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        if (type != UNSIGNED_BYTE) {
            throw new RobustifyException(file + ": IDX element type 0x" + Integer.toHexString(type)
                    + " is not supported (only unsigned bytes, 0x08)");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new RobustifyException(file + ": negative size " + dims[i] + " in dimension " + i);
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new RobustifyException(file + ": " + total + " elements is too large to load");
        }
        byte[] data = new byte[(int) total];
        in.readFully(data);
        if (in.read() != -1) {
            throw new RobustifyException(file + " has trailing bytes after the " + total + " announced elements");
        }
        return new IdxFile(dims, data);
    }
}
