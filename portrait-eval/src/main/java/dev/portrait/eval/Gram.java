package dev.portrait.eval;

import org.ejml.data.DMatrixRBlock;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DSubmatrixD1;
import org.ejml.dense.block.MatrixMult_DDRB;
import org.ejml.dense.block.MatrixOps_DDRB;
import org.ejml.dense.block.TriangularSolver_DDRB;
import org.ejml.dense.block.decomposition.chol.CholeskyOuterForm_DDRB;

import java.util.List;

/**
 * The item Gram matrix {@code G = XᵀX} of a binary user-item matrix, and the inverse of {@code G + λI}
 * that EASE is made of.
 *
 * <p>Matrices are one {@code double[]} of n × n, row-major, so a 10,000-item catalogue is one 800 MB
 * array and not ten thousand rows. The inverse is computed in that array: {@code G + λI} is symmetric
 * positive definite, so it is factored {@code LLᵀ} by EJML's blocked Cholesky, {@code L} is inverted in
 * place ({@code M = L⁻¹}, EJML's blocked triangular inverse), and {@code P = MᵀM} is formed in place.
 * Each step is about n³/6 multiply-adds, n³/2 in all, against n³ for Gauss–Jordan; and each runs on
 * cache-sized blocks, where Gauss–Jordan streamed the whole matrix through memory once per pivot (that,
 * not the arithmetic, made it take over a quarter of an hour at 10,000 items).
 *
 * <p>EJML has no in-place {@code MᵀM} for a triangular {@code M} (LAPACK's {@code lauum}), and its
 * Cholesky solver's own {@code invert} needs a second n × n matrix and a full n³/2 triangular solve. So
 * the last step is written here, as LAPACK blocks it, from EJML's block multiply: row block {@code i} of
 * {@code P}'s lower triangle is {@code M[i:, i]ᵀ · M[i:, 0:i]}, which reads only rows at or below
 * {@code i}; computing the row blocks top-down into a one-block-high buffer and copying each back
 * overwrites only rows no later block reads. Memory stays one matrix plus one block row.
 */
final class Gram {
    /** The largest catalogue whose n × n matrix fits one Java array. */
    static final int MAX_ITEMS = 46_340;

    private Gram() {
    }

    /** {@code XᵀX} of the binary user-item matrix whose rows are {@code userItems} (distinct ids each), row-major. */
    static double[] cooccurrence(int items, List<int[]> userItems) {
        if (items < 0 || items > MAX_ITEMS) {
            throw new IllegalArgumentException("an item Gram matrix holds 0 to " + MAX_ITEMS + " items, not " + items);
        }
        double[] g = new double[items * items];
        for (int[] row : userItems) {
            for (int a : row) {
                int at = a * items;
                for (int b : row) {
                    g[at + b] += 1;
                }
            }
        }
        return g;
    }

    /**
     * Replaces the symmetric positive-definite n × n row-major matrix {@code a} by its inverse (both
     * triangles), in place.
     *
     * @throws IllegalArgumentException when {@code a} is not positive definite
     */
    static void invertSymmetricPositiveDefinite(double[] a, int n) {
        if (a.length != n * n) {
            throw new IllegalArgumentException("a " + n + " x " + n + " matrix has " + (n * n) + " entries, not " + a.length);
        }
        if (n == 0) {
            return;
        }
        DMatrixRBlock m = MatrixOps_DDRB.convertInplace(DMatrixRMaj.wrap(n, n, a), null, null);
        int block = m.blockLength;
        if (!new CholeskyOuterForm_DDRB(true).decompose(m)) {
            throw new IllegalArgumentException("the " + n + " x " + n + " matrix is not positive definite");
        }
        TriangularSolver_DDRB.invert(block, false, new DSubmatrixD1(m), null);
        // the factorisation leaves the upper triangle as it found it; MᵀM below reads whole blocks
        MatrixOps_DDRB.zeroTriangle(true, m);
        DMatrixRBlock rowBlock = new DMatrixRBlock(Math.min(block, n), n, block);
        for (int top = 0; top < n; top += block) {
            int bottom = Math.min(n, top + block);
            rowBlock.reshape(bottom - top, bottom, block, false);
            MatrixMult_DDRB.multTransA(block, new DSubmatrixD1(m, top, n, top, bottom), new DSubmatrixD1(m, top, n, 0, bottom),
                    new DSubmatrixD1(rowBlock));
            // a block row of height h and width w is stored as its blocks one after another, each h × (its width)
            // row-major: the buffer's layout is exactly that of the first w columns of the matrix's block row
            System.arraycopy(rowBlock.data, 0, a, top * n, (bottom - top) * bottom);
        }
        MatrixOps_DDRB.convertInplace(m, null, null);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                a[i * n + j] = a[j * n + i];
            }
        }
    }
}
