import Foundation
import FlowCore

/// The rectangle of the plane that is drawn and evaluated: a centre and half-widths per axis.
///
/// The toy datasets and energy targets live in [−4, 4]² (`ViewBox.standard`). A user's CSV gets
/// a box fitted to its training split (`fitting(_:)`). Every panel draws its box onto the same
/// *canonical* square [−4, 4]² (`toCanonical`), so widgets keep one coordinate system; for the
/// standard box that map is the identity bit for bit (x − 0, ÷ 4, × 4 are exact).
package struct ViewBox: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    package var centerX: Double
    package var centerY: Double
    package var halfWidth: Double
    package var halfHeight: Double

    /// Half-width of the canonical square every box is drawn onto, and of the toy box.
    package static let canonicalHalfWidth = 4.0
    package static let standard = ViewBox(centerX: 0, centerY: 0, halfWidth: 4, halfHeight: 4)

    package init(centerX: Double, centerY: Double, halfWidth: Double, halfHeight: Double) {
        self.centerX = centerX
        self.centerY = centerY
        self.halfWidth = halfWidth
        self.halfHeight = halfHeight
    }

    /// The square [−L, L]².
    package static func square(_ halfWidth: Double) -> ViewBox {
        ViewBox(centerX: 0, centerY: 0, halfWidth: halfWidth, halfHeight: halfWidth)
    }

    package var minX: Double { centerX - halfWidth }
    package var maxX: Double { centerX + halfWidth }
    package var minY: Double { centerY - halfHeight }
    package var maxY: Double { centerY + halfHeight }
    package var isStandard: Bool { self == .standard }

    package var description: String {
        func f(_ v: Double) -> String { ViewBox.format(v) }
        return "[\(f(minX)), \(f(maxX))] x [\(f(minY)), \(f(maxY))]"
    }

    /// A short number for axis labels (3 significant digits, no trailing zeros).
    package static func format(_ v: Double) -> String {
        var s = String(format: "%.3g", v)
        if s.contains("e") { return s }
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s == "-0" ? "0" : s
    }

    /// Maps a point of the box onto the canonical square [−4, 4]².
    @inline(__always)
    package func toCanonical(_ x: Double, _ y: Double) -> (Double, Double) {
        ((x - centerX) / halfWidth * ViewBox.canonicalHalfWidth, (y - centerY) / halfHeight * ViewBox.canonicalHalfWidth)
    }

    /// Maps a point of the canonical square back into the box.
    @inline(__always)
    package func fromCanonical(_ u: Double, _ v: Double) -> (Double, Double) {
        (centerX + u / ViewBox.canonicalHalfWidth * halfWidth, centerY + v / ViewBox.canonicalHalfWidth * halfHeight)
    }

    /// Quantiles behind a fitted box: a few outliers do not shrink the picture of the rest.
    static let fitQuantiles = (low: 0.005, high: 0.995)
    /// Margin added around the quantile range, as a fraction of its half-width.
    static let fitMargin = 0.15
    /// Both axes get the same half-width when the larger is at most this many times the smaller.
    static let equalAspectRatio = 2.5

    /// A box around `points`: the 0.5–99.5 % quantile range of each axis plus a 15 % margin;
    /// equal half-widths (equal aspect) when the two ranges are within a factor 2.5 of each other.
    package static func fitting(_ points: Matrix) -> ViewBox {
        precondition(points.cols == 2 && points.rows > 0)
        func range(_ c: Int) -> (Double, Double) {
            var v = points.column(c).storage.map(Double.init)
            return (quantile(selecting: &v, fitQuantiles.low), quantile(selecting: &v, fitQuantiles.high))
        }
        let (x0, x1) = range(0), (y0, y1) = range(1)
        var hx = (x1 - x0) / 2 * (1 + fitMargin), hy = (y1 - y0) / 2 * (1 + fitMargin)
        // A column with (almost) no spread still gets a visible box.
        let scale = max(abs(x0), abs(x1), abs(y0), abs(y1), 1e-30)
        hx = max(hx, scale * 1e-6, hy * 1e-3)
        hy = max(hy, scale * 1e-6, hx * 1e-3)
        if max(hx, hy) <= equalAspectRatio * min(hx, hy) { hx = max(hx, hy); hy = hx }
        return ViewBox(centerX: (x0 + x1) / 2, centerY: (y0 + y1) / 2, halfWidth: hx, halfHeight: hy)
    }

    /// Linear-interpolation quantile of sorted values (numpy's default).
    package static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? 0 }
        let pos = q * Double(sorted.count - 1)
        let i = min(Int(pos), sorted.count - 2)
        let t = pos - Double(i)
        return sorted[i] + t * (sorted[i + 1] - sorted[i])
    }

    /// `quantile(values.sorted(), q)` without sorting: a selection of the two order statistics
    /// it interpolates (linear time; a 2-million-point CSV is fitted in milliseconds, not a
    /// quarter of a second). Reorders `values`.
    package static func quantile(selecting values: inout [Double], _ q: Double) -> Double {
        guard values.count > 1 else { return values.first ?? 0 }
        let pos = q * Double(values.count - 1)
        let i = min(Int(pos), values.count - 2)
        let t = pos - Double(i)
        values.withUnsafeMutableBufferPointer { select(i, in: $0) }
        // The next order statistic is the smallest of what lies above position i.
        let next = values[(i + 1)...].min()!
        return values[i] + t * (next - values[i])
    }

    /// Moves the k-th smallest element to index k, smaller ones before it and larger after
    /// (Hoare's selection with a median-of-three pivot; deterministic).
    static func select(_ k: Int, in a: UnsafeMutableBufferPointer<Double>) {
        var lo = 0, hi = a.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }

    /// The fixed affine map that takes this box onto the canonical square: the standardisation
    /// a model trained on data in this box applies first (`x′ = (x − shift) / scale`).
    package var standardization: Standardization {
        Standardization(shift: [centerX, centerY],
                        scale: [halfWidth / ViewBox.canonicalHalfWidth, halfHeight / ViewBox.canonicalHalfWidth])
    }

    /// The box a standardisation maps onto the canonical square.
    package init(standardization s: Standardization) {
        self.init(centerX: s.shift[0], centerY: s.shift[1],
                  halfWidth: s.scale[0] * ViewBox.canonicalHalfWidth, halfHeight: s.scale[1] * ViewBox.canonicalHalfWidth)
    }
}

/// A fixed (not trained) per-axis affine map `x′ = (x − shift) / scale`, the first bijector of a
/// model trained on a user's CSV: the model learns standardised points, and every density it
/// reports includes `log|det| = −Σ log scale`, so densities, samples and NLLs are in data units.
/// Saved in the checkpoint's configuration (`docs/checkpoint-format.md`).
package struct Standardization: Sendable, Equatable, Hashable, Codable {
    package var shift: [Double]
    package var scale: [Double]

    package init(shift: [Double], scale: [Double]) {
        precondition(shift.count == 2 && scale.count == 2)
        self.shift = shift
        self.scale = scale
    }

    /// log|det ∂x′/∂x| = −Σ log scale (the same at every point).
    package var logAbsDet: Double { -(Foundation.log(scale[0]) + Foundation.log(scale[1])) }

    /// True when every value is finite and both scales are positive (a checkpoint is checked).
    package var isValid: Bool {
        shift.count == 2 && scale.count == 2 && shift.allSatisfy(\.isFinite)
            && scale.allSatisfy { $0.isFinite && $0 > 0 }
    }

    /// Data units → standardised units, row by row.
    package func forward(_ m: Matrix) -> Matrix {
        var out = m
        let (s0, s1) = (shift[0], shift[1]), (c0, c1) = (scale[0], scale[1])
        for r in 0..<m.rows {
            out[r, 0] = Float((Double(m[r, 0]) - s0) / c0)
            out[r, 1] = Float((Double(m[r, 1]) - s1) / c1)
        }
        return out
    }

    /// Standardised units → data units.
    package func inverse(_ m: Matrix) -> Matrix {
        var out = m
        let (s0, s1) = (shift[0], shift[1]), (c0, c1) = (scale[0], scale[1])
        for r in 0..<m.rows {
            out[r, 0] = Float(s0 + Double(m[r, 0]) * c0)
            out[r, 1] = Float(s1 + Double(m[r, 1]) * c1)
        }
        return out
    }
}
