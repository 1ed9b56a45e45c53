package io.fieldcap.track;

import java.util.Arrays;

/**
 * The linear sum assignment: the pairing of rows and columns of a cost matrix with the least total
 * cost, every row or every column paired (whichever are fewer), as scipy's
 * {@code linear_sum_assignment}. A non-finite cost (NaN, infinity) is a pair that must not be made: as
 * py-motmetrics does, it is priced above any matching of finite ones ({@code 2 max + 1}) and the
 * pairs made at that price are left out of the answer. The Hungarian method with potentials, O(n²m).
 */
public final class Assignment {
  private Assignment() {}

  /** The pairs made, as {@code [row, column]}, rows ascending; none through a non-finite cost. */
  public static int[][] solve(double[][] costs) {
    int n = costs.length;
    int m = n == 0 ? 0 : costs[0].length;
    if (n == 0 || m == 0) {
      return new int[0][];
    }
    double max = 0;
    boolean any = false;
    for (double[] row : costs) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          max = any ? Math.max(max, v) : v;
          any = true;
        }
      }
    }
    double forbidden = any ? 2 * max + 1 : 1;
    boolean transpose = n > m;
    int rows = transpose ? m : n;
    int cols = transpose ? n : m;
    double[][] a = new double[rows][cols];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double v = Double.isFinite(costs[i][j]) ? costs[i][j] : forbidden;
        if (transpose) {
          a[j][i] = v;
        } else {
          a[i][j] = v;
        }
      }
    }
    int[] rowOf = hungarian(a, rows, cols); // rowOf[col] = row (1-based), 0 when free
    int[][] out = new int[rows][];
    int k = 0;
    for (int j = 1; j <= cols; j++) {
      if (rowOf[j] == 0) {
        continue;
      }
      int r = transpose ? j - 1 : rowOf[j] - 1;
      int c = transpose ? rowOf[j] - 1 : j - 1;
      if (Double.isFinite(costs[r][c])) {
        out[k++] = new int[] {r, c};
      }
    }
    int[][] pairs = Arrays.copyOf(out, k);
    Arrays.sort(pairs, (x, y) -> Integer.compare(x[0], y[0]));
    return pairs;
  }

  /** Rows 1..n each to a distinct column of 1..m (n ≤ m), least total: for each column its row (1-based). */
  private static int[] hungarian(double[][] a, int n, int m) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1];
    int[] way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[m + 1];
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    return p;
  }
}
