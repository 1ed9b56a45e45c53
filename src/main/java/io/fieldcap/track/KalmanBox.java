package io.fieldcap.track;

import io.fieldcap.model.Box;

/**
 * A box moving at constant velocity, as ByteTrack's Kalman filter models it: the state is the box's
 * centre (x, y), aspect ratio a = w / h and height h, and their velocities; the noise scales with the
 * height (1/20 of it for positions, 1/160 for velocities), so a near object and a far one are
 * followed alike. One frame is one time step.
 */
final class KalmanBox {
  private static final double POSITION = 1.0 / 20;
  private static final double VELOCITY = 1.0 / 160;

  private final double[] mean = new double[8];
  private final double[][] cov = new double[8][8];

  KalmanBox(Box b) {
    double[] z = xyah(b);
    System.arraycopy(z, 0, mean, 0, 4);
    double h = z[3];
    double[] std = {2 * POSITION * h, 2 * POSITION * h, 1e-2, 2 * POSITION * h, 10 * VELOCITY * h, 10 * VELOCITY * h, 1e-5,
        10 * VELOCITY * h};
    for (int i = 0; i < 8; i++) {
      cov[i][i] = std[i] * std[i];
    }
  }

  static double[] xyah(Box b) {
    return new double[] {b.x() + b.w() / 2, b.y() + b.h() / 2, b.w() / Math.max(b.h(), 1e-9), b.h()};
  }

  /** The box the state says now. */
  Box box() {
    double h = mean[3];
    double w = mean[2] * h;
    return new Box(mean[0] - w / 2, mean[1] - h / 2, w, h);
  }

  /** One step ahead: x' = F x, P' = F P Fᵀ + Q; a track not seen last frame stops growing or shrinking (as ByteTrack). */
  void predict(boolean seenLastFrame) {
    if (!seenLastFrame) {
      mean[7] = 0;
    }
    double h = mean[3];
    double[] std = {POSITION * h, POSITION * h, 1e-2, POSITION * h, VELOCITY * h, VELOCITY * h, 1e-5, VELOCITY * h};
    for (int i = 0; i < 4; i++) {
      mean[i] += mean[i + 4];
    }
    // F P Fᵀ with F = [I I; 0 I]
    double[][] fp = new double[8][8];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        fp[i][j] = cov[i][j] + (i < 4 ? cov[i + 4][j] : 0);
      }
    }
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        cov[i][j] = fp[i][j] + (j < 4 ? fp[i][j + 4] : 0);
      }
      cov[i][i] += std[i] * std[i];
    }
  }

  /** Corrects the state with a measured box: the Kalman gain over the projected covariance. */
  void update(Box b) {
    double[] z = xyah(b);
    double h = mean[3];
    double[] r = {POSITION * h, POSITION * h, 1e-1, POSITION * h};
    double[][] s = new double[4][4]; // H P Hᵀ + R
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        s[i][j] = cov[i][j];
      }
      s[i][i] += r[i] * r[i];
    }
    double[][] sInv = invert(s);
    double[][] k = new double[8][4]; // P Hᵀ S⁻¹
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 4; j++) {
        double v = 0;
        for (int q = 0; q < 4; q++) {
          v += cov[i][q] * sInv[q][j];
        }
        k[i][j] = v;
      }
    }
    double[] innovation = new double[4];
    for (int i = 0; i < 4; i++) {
      innovation[i] = z[i] - mean[i];
    }
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 4; j++) {
        mean[i] += k[i][j] * innovation[j];
      }
    }
    // P -= K H P (= K S Kᵀ)
    double[][] hp = new double[4][8];
    for (int i = 0; i < 4; i++) {
      System.arraycopy(cov[i], 0, hp[i], 0, 8);
    }
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        double v = 0;
        for (int q = 0; q < 4; q++) {
          v += k[i][q] * hp[q][j];
        }
        cov[i][j] -= v;
      }
    }
  }

  /** A 4 x 4 inverse by Gauss-Jordan with partial pivoting (S is symmetric positive definite). */
  static double[][] invert(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, a[i], 0, n);
      a[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      double d = a[c][c];
      for (int j = 0; j < 2 * n; j++) {
        a[c][j] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != c && a[r][c] != 0) {
          double f = a[r][c];
          for (int j = 0; j < 2 * n; j++) {
            a[r][j] -= f * a[c][j];
          }
        }
      }
    }
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], n, out[i], 0, n);
    }
    return out;
  }
}
