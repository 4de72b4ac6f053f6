import Foundation
import FlowCore

/// A Gaussian kernel density estimate with Scott's bandwidth, as scipy's `gaussian_kde`: the
/// kernel covariance is the data's covariance (unbiased) times `n^(−2/(d+4))`, d = 2. The plain
/// reference a user would otherwise reach for; `flowlab train` reports its held-out NLL for CSVs.
package struct GaussianKDE: Sendable {
    package let points: Matrix
    /// Kernel covariance [[a, b], [b, c]].
    package let covariance: (Double, Double, Double)

    /// Scott's factor `n^(−1/(d+4))` for d = 2.
    package static func scottFactor(_ n: Int) -> Double { pow(Double(n), -1.0 / 6.0) }

    /// Fits on `points` (n × 2, n ≥ 2, not all on one line).
    package init?(_ points: Matrix) {
        let n = points.rows
        guard n >= 2, points.cols == 2 else { return nil }
        var mx = 0.0, my = 0.0
        for r in 0..<n { mx += Double(points[r, 0]); my += Double(points[r, 1]) }
        mx /= Double(n); my /= Double(n)
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for r in 0..<n {
            let dx = Double(points[r, 0]) - mx, dy = Double(points[r, 1]) - my
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy
        }
        let f2 = pow(Self.scottFactor(n), 2) / Double(n - 1)
        let cov = (sxx * f2, sxy * f2, syy * f2)
        guard cov.0 * cov.2 - cov.1 * cov.1 > 0 else { return nil }
        self.points = points
        self.covariance = cov
    }

    /// log p at each row (log-sum-exp over the kernels, in Double).
    package func logDensity(_ x: Matrix) -> [Double] {
        let (a, b, c) = covariance
        let det = a * c - b * b
        let (ia, ib, ic) = (c / det, -b / det, a / det)
        let n = points.rows
        let logNorm = -log(Double(n)) - log(2 * Double.pi) - 0.5 * log(det)
        var exps = [Double](repeating: 0, count: n)
        return (0..<x.rows).map { r in
            let px = Double(x[r, 0]), py = Double(x[r, 1])
            var top = -Double.infinity
            for i in 0..<n {
                let dx = px - Double(points[i, 0]), dy = py - Double(points[i, 1])
                let e = -0.5 * (ia * dx * dx + 2 * ib * dx * dy + ic * dy * dy)
                exps[i] = e
                top = max(top, e)
            }
            var sum = 0.0
            for e in exps { sum += exp(e - top) }
            return top + log(sum) + logNorm
        }
    }

    /// Mean negative log-likelihood of `x`.
    package func nll(_ x: Matrix) -> Double {
        -logDensity(x).reduce(0, +) / Double(max(x.rows, 1))
    }

    /// The KDE's held-out NLL, its cost bounded for big files: fitted on at most `maxTrain`
    /// training points and scored on at most `maxTest` held-out points (both the leading rows,
    /// which are already shuffled by the split). Small data — what the baseline is for — uses all.
    static func heldOutNLL(train: Matrix, test: Matrix, maxTrain: Int = 20_000, maxTest: Int = 5_000) -> Double? {
        let fit = train.rows > maxTrain ? train.rows(0..<maxTrain) : train
        let score = test.rows > maxTest ? test.rows(0..<maxTest) : test
        return GaussianKDE(fit)?.nll(score)
    }
}
