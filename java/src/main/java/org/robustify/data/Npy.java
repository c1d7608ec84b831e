package org.robustify.data;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;

/**
 * NumPy {@code .npy} files (format 1.0, 2.0 and 3.0 headers) for uint8 image arrays, int64 labels and float32 arrays
 * (images, logits), C order.
 * Writes are atomic ({@link AtomicFiles}): a reader never sees a partial file.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A parsed header: dtype descriptor (e.g. {@code |u1}, {@code <i8}), order, shape and data offset. */
    public record Header(String descr, boolean fortranOrder, long[] shape, long dataOffset) {
        public long count() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** e.g. {@code uint8 (64, 28, 28)}. */
        public String describe() {
            return dtypeName(descr) + " " + shapeString(shape);
        }
    }

    /** A uint8 array in C order. */
    public record UInt8Array(long[] shape, byte[] data) {}

    /** An int64 array in C order. */
    public record Int64Array(long[] shape, long[] data) {}

    /** Streams an array's raw C-order bytes. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Reads and checks the header only (cheap: for validating inputs before any work). */
    public static Header readHeader(Path file) {
        try (InputStream in = open(file)) {
            return parseHeader(file, new DataInputStream(in));
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A uint8 array ({@code |u1}), C order, any rank; errors for other dtypes, Fortran order or truncation. */
    public static UInt8Array readUint8(Path file) {
        Header h = readHeader(file);
        requireDtype(file, h, "uint8", "|u1", "<u1", ">u1", "u1", "B");
        byte[] data = readData(file, h, 1);
        return new UInt8Array(h.shape(), data);
    }

    /** An int64 array ({@code <i8}), C order. */
    public static Int64Array readInt64(Path file) {
        Header h = readHeader(file);
        requireDtype(file, h, "int64 (little-endian)", "<i8", "i8");
        byte[] raw = readData(file, h, 8);
        long[] v = new long[raw.length / 8];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
        return new Int64Array(h.shape(), v);
    }

    /** A float32 array in C order. */
    public record Float32Array(long[] shape, float[] data) {}

    /** A float32 array ({@code <f4}), C order; errors for other dtypes, Fortran order or truncation. */
    public static Float32Array readFloat32(Path file) {
        Header h = readHeader(file);
        requireDtype(file, h, "float32 (little-endian)", "<f4", "f4");
        byte[] raw = readData(file, h, 4);
        float[] v = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return new Float32Array(h.shape(), v);
    }

    /** Writes a float32 array (little-endian) atomically. */
    public static void writeFloat32(Path file, long[] shape, float[] data) {
        requireLength(shape, data.length);
        writeLittleEndian(file, "<f4", shape, 4, data.length, (b, i) -> b.putFloat(data[i]));
    }

    /** Writes a uint8 array atomically. */
    public static void writeUint8(Path file, long[] shape, byte[] data) {
        requireLength(shape, data.length);
        writeUint8(file, shape, out -> out.write(data));
    }

    /**
     * Writes a uint8 array atomically from a stream of its C-order bytes (so large outputs need not sit in memory);
     * fails, leaving no file, unless exactly {@code prod(shape)} bytes are written.
     */
    public static void writeUint8(Path file, long[] shape, Body body) {
        write(file, "|u1", shape, 1, body);
    }

    /** Writes an int64 array (little-endian) atomically. */
    public static void writeInt64(Path file, long[] shape, long[] data) {
        requireLength(shape, data.length);
        writeLittleEndian(file, "<i8", shape, 8, data.length, (b, i) -> b.putLong(data[i]));
    }

    /** Element i of a little-endian array: puts it into the buffer. */
    private interface ElementWriter {
        void put(ByteBuffer buffer, int i);
    }

    /** Streams {@code count} fixed-size little-endian elements through a 32 KiB buffer. */
    private static void writeLittleEndian(Path file, String descr, long[] shape, int itemSize, int count,
            ElementWriter element) {
        write(file, descr, shape, itemSize, out -> {
            ByteBuffer b = ByteBuffer.allocate(32 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                element.put(b, i);
                if (b.remaining() < itemSize || i == count - 1) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
            }
        });
    }

    /** The version 1.0 (or 2.0 for huge headers) header of a C-order array, padded to 64 bytes. */
    public static byte[] header(String descr, long[] shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        int prefix = MAGIC.length + 2 + 2;
        int total = prefix + dict.length() + 1;
        boolean v2 = false;
        int padded = (total + 63) / 64 * 64;
        if (padded - prefix > 0xffff) {
            v2 = true;
            prefix += 2;
            total += 2;
            padded = (total + 63) / 64 * 64;
        }
        int headerLen = padded - prefix;
        StringBuilder text = new StringBuilder(dict);
        while (text.length() < headerLen - 1) {
            text.append(' ');
        }
        text.append('\n');
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            b.putInt(headerLen);
        } else {
            b.putShort((short) headerLen);
        }
        b.put(text.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** {@code (64, 28, 28)}, {@code (5,)}, {@code ()}. */
    public static String shapeString(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static void write(Path file, String descr, long[] shape, int itemSize, Body body) {
        for (long d : shape) {
            if (d < 0) {
                throw new RobustifyException("negative dimension in shape " + shapeString(shape));
            }
        }
        long expected = Math.multiplyExact(product(shape), itemSize);
        AtomicFiles.write(file, tmp -> {
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    CountingStream out = new CountingStream(raw)) {
                raw.write(header(descr, shape));
                body.write(out);
                if (out.count != expected) {
                    throw new IOException("wrote " + out.count + " data bytes for an array of shape "
                            + shapeString(shape) + " (expected " + expected + ")");
                }
            }
        });
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // the underlying stream is closed by its own try-with-resources
        }
    }

    private static InputStream open(Path file) throws IOException {
        try {
            return new java.io.BufferedInputStream(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new RobustifyException(file + ": no such file");
        }
    }

    private static Header parseHeader(Path file, DataInputStream in) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        int major;
        long headerLen;
        try {
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new RobustifyException(file + " is not a .npy file (bad magic string)");
            }
            major = in.readUnsignedByte();
            in.readUnsignedByte();
            if (major == 1) {
                headerLen = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
            } else if (major == 2 || major == 3) {
                headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            } else {
                throw new RobustifyException(file + ": unsupported .npy format version " + major);
            }
        } catch (EOFException e) {
            throw new RobustifyException(file + " is truncated: the .npy header is incomplete");
        }
        if (headerLen > 1 << 24) {
            throw new RobustifyException(file + ": implausible .npy header length " + headerLen);
        }
        byte[] text = new byte[(int) headerLen];
        try {
            in.readFully(text);
        } catch (EOFException e) {
            throw new RobustifyException(file + " is truncated: the .npy header is incomplete");
        }
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(dict);
        Matcher f = FORTRAN.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find() || !f.find() || !s.find()) {
            throw new RobustifyException(file + ": malformed .npy header: " + dict.trim());
        }
        String[] parts = s.group(1).split(",");
        long[] shape = Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(p -> {
            try {
                return Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw new RobustifyException(file + ": malformed shape in .npy header: " + dict.trim());
            }
        }).toArray();
        long offset = MAGIC.length + 2 + (major == 1 ? 2 : 4) + headerLen;
        return new Header(d.group(1), "True".equals(f.group(1)), shape, offset);
    }

    private static void requireDtype(Path file, Header h, String want, String... accepted) {
        if (!Arrays.asList(accepted).contains(h.descr())) {
            throw new RobustifyException(file + " holds " + h.describe() + "; expected " + want);
        }
        if (h.fortranOrder() && h.shape().length > 1) {
            throw new RobustifyException(file + " is in Fortran order; save it in C order "
                    + "(np.save(f, np.ascontiguousarray(a)))");
        }
    }

    private static byte[] readData(Path file, Header h, int itemSize) {
        long bytes = Math.multiplyExact(h.count(), itemSize);
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new RobustifyException(file + " holds " + h.describe() + " (" + bytes + " bytes), more than one "
                    + "array can hold; split it into files under 2 GiB");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long have = size - h.dataOffset();
        if (have < bytes) {
            throw new RobustifyException(file + " is truncated: " + h.describe() + " needs " + bytes
                    + " data bytes; the file holds " + Math.max(0, have));
        }
        if (have > bytes) {
            throw new RobustifyException(file + " has " + (have - bytes) + " bytes after the " + h.describe()
                    + " array; not a plain .npy file");
        }
        byte[] data = new byte[(int) bytes];
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(h.dataOffset());
            int read = in.readNBytes(data, 0, data.length);
            if (read != data.length) {
                throw new RobustifyException(file + " is truncated: read " + read + " of " + bytes + " data bytes");
            }
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return data;
    }

    private static void requireLength(long[] shape, long length) {
        if (product(shape) != length) {
            throw new RobustifyException("array of shape " + shapeString(shape) + " needs " + product(shape)
                    + " values; got " + length);
        }
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static String dtypeName(String descr) {
        return switch (descr) {
            case "|u1", "<u1", ">u1", "u1", "B" -> "uint8";
            case "|i1", "i1", "b" -> "int8";
            case "<i8", "i8" -> "int64";
            case "<i4", "i4" -> "int32";
            case "<f4", "f4" -> "float32";
            case "<f8", "f8" -> "float64";
            case "|b1" -> "bool";
            default -> "dtype '" + descr + "'";
        };
    }
}
