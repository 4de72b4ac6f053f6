import FlowCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernel of a set-level discrepancy between two point clouds.
package enum DiscrepancyKernel: Sendable, Equatable {
    /// k(x, y) = −‖x − y‖: the energy distance (Székely & Rizzo 2013).
    case energy
    /// A sum of Gaussian kernels exp(−‖x − y‖²/(2σ²)), one per width σ (MMD; Gretton et al. 2012).
    case gaussians([Float])
}

extension Variable {
    /// The squared maximum mean discrepancy between this cloud X (`n×2`, on the tape) and a
    /// fixed cloud Y (`m×2`) as a U-statistic (Gretton et al. 2012, Eq. 3):
    ///
    ///     MMD²ᵤ = 1/(n(n−1)) Σ_{i≠j} k(xᵢ,xⱼ) − 2/(nm) Σ_{i,j} k(xᵢ,yⱼ) + 1/(m(m−1)) Σ_{i≠j} k(yᵢ,yⱼ)
    ///
    /// Unlike a matching of two finite clouds (sorted projections, minibatch optimal
    /// transport), every term is an unbiased estimate of its population counterpart, so the
    /// expected gradient is the gradient of the population distance: a generator trained on
    /// it feels no systematic pull inward from the finite batch. The Y–Y term does not depend
    /// on X; it is left out of the value unless `includeTargetTerm`.
    package func kernelDiscrepancy(to target: Matrix, kernel: DiscrepancyKernel, includeTargetTerm: Bool = false) -> Variable {
        let x = value
        precondition(x.cols == 2 && target.cols == 2 && x.rows >= 2 && target.rows >= 2, "kernelDiscrepancy shapes")
        let n = x.rows, m = target.rows
        let k = PairKernel(kernel)
        let xs = x.column(0).storage, ys = x.column(1).storage
        let ts = target.column(0).storage, us = target.column(1).storage
        var grad = Matrix(rows: n, cols: 2)
        var sxx = 0.0, sxy = 0.0
        let wxx = 1 / Float(n * (n - 1)), wxy = 2 / Float(n * m)
        for i in 0..<n {
            let a = k.sums(xs[i], ys[i], xs, ys)
            let b = k.sums(xs[i], ys[i], ts, us)
            // The diagonal term k(xᵢ, xᵢ) is in `a.k` (its gradient is zero); the U-statistic
            // drops it. Both k(xᵢ,xⱼ) and k(xⱼ,xᵢ) depend on xᵢ, hence the 2.
            sxx += Double(a.k - k.diagonal)
            sxy += Double(b.k)
            grad[i, 0] = 2 * wxx * a.gx - wxy * b.gx
            grad[i, 1] = 2 * wxx * a.gy - wxy * b.gy
        }
        var total = sxx * Double(wxx) - sxy * Double(wxy)
        if includeTargetTerm {
            var syy = 0.0
            for i in 0..<m { syy += Double(k.sums(ts[i], us[i], ts, us).k - k.diagonal) }
            total += syy / Double(m * (m - 1))
        }
        let g = grad
        return Variable(op: .custom, value: Matrix(rows: 1, cols: 1, storage: [Float(total)]), parents: [self]) { up in
            [g.map { $0 * up.storage[0] }]
        }
    }
}

/// Sums of k(p, qⱼ) and of ∇ₚk(p, qⱼ) over a cloud, eight pairs at a time.
struct PairKernel {
    typealias V = SIMD8<Float>
    /// 1/(2σ²) per Gaussian width; empty for the energy kernel.
    let inverseTwoVariance: [Float]
    /// k(p, p).
    let diagonal: Float

    init(_ kernel: DiscrepancyKernel) {
        switch kernel {
        case .energy: inverseTwoVariance = []
        case .gaussians(let w): inverseTwoVariance = w.map { 1 / (2 * $0 * $0) }
        }
        diagonal = Float(inverseTwoVariance.count)
    }

    /// k = Σⱼ k(p, qⱼ) and (gx, gy) = Σⱼ ∂k/∂p.
    func sums(_ px: Float, _ py: Float, _ qx: [Float], _ qy: [Float]) -> (k: Float, gx: Float, gy: Float) {
        var k = V(repeating: 0), gx = V(repeating: 0), gy = V(repeating: 0)
        let n = qx.count, full = n / 8 * 8
        let vx = V(repeating: px), vy = V(repeating: py)
        qx.withUnsafeBufferPointer { ax in
            qy.withUnsafeBufferPointer { ay in
                var j = 0
                while j < full {
                    let dx = vx - Self.load(ax.baseAddress! + j), dy = vy - Self.load(ay.baseAddress! + j)
                    let (kk, s) = pair(dx * dx + dy * dy)
                    k += kk
                    gx += s * dx
                    gy += s * dy
                    j += 8
                }
                if full < n {
                    var tx = V(repeating: 0), ty = V(repeating: 0)
                    var mask = V(repeating: 0)
                    for l in 0..<(n - full) { tx[l] = ax[full + l]; ty[l] = ay[full + l]; mask[l] = 1 }
                    let dx = vx - tx, dy = vy - ty
                    let (kk, s) = pair(dx * dx + dy * dy)
                    k += kk * mask
                    gx += s * dx * mask
                    gy += s * dy * mask
                }
            }
        }
        return (k.sum(), gx.sum(), gy.sum())
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    /// k(d²) and s with ∇ₚk = s·(p − q).
    @inline(__always) func pair(_ d2: V) -> (V, V) {
        if inverseTwoVariance.isEmpty {
            let d = d2.squareRoot()
            let safe = d.replacing(with: V(repeating: 1), where: d .< 1e-12)
            let s = (V(repeating: -1) / safe).replacing(with: V(repeating: 0), where: d .< 1e-12)
            return (-d, s)
        }
        var k = V(repeating: 0), s = V(repeating: 0)
        for c in inverseTwoVariance {
            let e = Self.expNegative(-d2 * c)
            k += e
            s -= 2 * c * e
        }
        return (k, s)
    }

    /// eˣ for x ≤ 0 (relative error below 4e-6; 0 below −87): 2^(x·log₂e) split into an
    /// integer power, set in the exponent bits, and a degree-6 polynomial on [−½, ½].
    @inline(__always) static func expNegative(_ x: V) -> V {
        let t = (x * 1.442695041).replacing(with: V(repeating: -126), where: x .< -87)
        // Adding 1.5·2²³ rounds t to an integer, left in the low mantissa bits.
        let shifted = t + 12_582_912
        let i = shifted - 12_582_912
        let f = t - i
        // 2^f on [−½, ½] (Taylor coefficients of e^(f·ln 2)).
        var p = V(repeating: 1.5403530e-4)
        p = p * f + 1.3333558e-3
        p = p * f + 9.6181291e-3
        p = p * f + 5.5504109e-2
        p = p * f + 0.24022651
        p = p * f + 0.69314718
        p = p * f + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        let scale = unsafeBitCast(bits, to: V.self)
        return (p * scale).replacing(with: V(repeating: 0), where: x .< -87)
    }
}

extension Variable {
    /// Every coordinate folded into [−b, b] by reflection at the edges (as a Langevin particle
    /// is reflected); the derivative is ±1.
    package func reflected(into b: Float) -> Variable {
        var y = value
        var sign = Matrix(rows: value.rows, cols: value.cols)
        for i in 0..<y.count {
            var v = y.storage[i], s: Float = 1
            if !v.isFinite { v = 0 }
            // A period of the fold is 4b; after the shift, [0, 2b] maps up and [2b, 4b] down.
            var u = (v + b).truncatingRemainder(dividingBy: 4 * b)
            if u < 0 { u += 4 * b }
            if u > 2 * b { u = 4 * b - u; s = -1 }
            y.storage[i] = u - b
            sign.storage[i] = s
        }
        let d = sign
        return Variable(op: .custom, value: y, parents: [self]) { g in
            [Matrix(rows: g.rows, cols: g.cols, storage: zip(g.storage, d.storage).map { $0 * $1 })]
        }
    }
}
