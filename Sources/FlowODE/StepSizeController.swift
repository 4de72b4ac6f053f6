#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// Chooses step sizes for `ODESolver` (diffrax's `AbstractStepSizeController`): the first step,
/// whether a trial step is accepted (error ratio ≤ 1), and the next step. Sizes are magnitudes;
/// the solver applies the direction of integration.
package protocol StepSizeController: Sendable {
    /// Whether the controller reads the tableau's embedded error estimate.
    var needsErrorEstimate: Bool { get }
    /// Accepted-step cap; beyond it the solve stops with `.maxStepsReached`.
    var maxSteps: Int { get }
    /// Smallest step before the solve stops with `.stepTooSmall`.
    var minStep: Double { get }
    /// The first step's size, given f₀ = f(t₀, y₀); may evaluate f (counted in `nfe`).
    func initialStep<S: ODEState>(_ f: (Double, S) -> S, t0: Double, t1: Double, y0: S, f0: S, order: Int,
                                  nfe: inout Int) -> Double
    /// The scaled error of a trial step (≤ 1 accepts it).
    func errorRatio(_ error: [Matrix], y0: [Matrix], y1: [Matrix]) -> Double
    /// The next step's size after a trial of size `h` with error ratio `ratio`.
    func nextStep(_ h: Double, ratio: Double, order: Int) -> Double
}

/// `n` equal steps over [t₀, t₁]; every step is accepted.
package struct ConstantStepSize: StepSizeController {
    package var steps: Int
    package init(steps: Int) { self.steps = max(1, steps) }

    package var needsErrorEstimate: Bool { false }
    package var maxSteps: Int { steps }
    package var minStep: Double { 0 }

    package func initialStep<S: ODEState>(_ f: (Double, S) -> S, t0: Double, t1: Double, y0: S, f0: S, order: Int,
                                         nfe: inout Int) -> Double {
        abs(t1 - t0) / Double(steps)
    }

    package func errorRatio(_ error: [Matrix], y0: [Matrix], y1: [Matrix]) -> Double { 0 }
    package func nextStep(_ h: Double, ratio: Double, order: Int) -> Double { h }
}

/// Sums of squares across the shards of a batch solved in lockstep (`DataParallel`): each
/// shard's solver hands in its partial sums and gets back the totals over all shards, the same
/// numbers on every shard, so every shard takes the steps one solve of the whole batch would.
/// Every shard must make the same sequence of calls.
package protocol ErrorSumReduction: Sendable {
    func total(_ partial: [Double]) -> [Double]
}

/// Step-size control as in torchdiffeq's dopri5 (Hairer, Nørsett & Wanner, Solving ODEs I,
/// §II.4): mixed RMS/max error norm, safety 0.9, growth ≤ 10, shrink ≥ 0.2, accepted steps
/// never shrink, Hairer's initial step.
package struct AdaptiveStepSize: StepSizeController, Equatable {
    package var atol: Double
    package var rtol: Double
    package var safety = 0.9
    package var maxGrowth = 10.0
    package var maxShrink = 0.2
    package var maxSteps = 1000
    package var minStep = 1e-10
    /// Where a data-parallel shard's norms become the whole batch's (nil: this solve is the
    /// whole batch).
    package var reduction: (any ErrorSumReduction)?

    package static func == (a: AdaptiveStepSize, b: AdaptiveStepSize) -> Bool {
        a.atol == b.atol && a.rtol == b.rtol && a.safety == b.safety && a.maxGrowth == b.maxGrowth
            && a.maxShrink == b.maxShrink && a.maxSteps == b.maxSteps && a.minStep == b.minStep
            && (a.reduction == nil) == (b.reduction == nil)
    }

    package init(atol: Double, rtol: Double, maxSteps: Int = 1000) {
        self.atol = atol
        self.rtol = rtol
        self.maxSteps = maxSteps
    }

    package var needsErrorEstimate: Bool { true }

    /// `max over parts of RMS(v / (atol + rtol·max(|a|, |b|)))`, over the whole batch when the
    /// solve is one shard of it (`reduction`). A NaN part makes the norm NaN when
    /// `propagatingNaN` (a trial step's error: the step must be rejected); otherwise it is
    /// skipped (`Swift.max` keeps the first argument when the second is NaN).
    func norm(_ v: [Matrix], scaleA: [Matrix], scaleB: [Matrix], propagatingNaN: Bool = false) -> Double {
        // Per part: the sum of squares and the element count.
        var sums: [Double] = []
        sums.reserveCapacity(2 * v.count)
        for (p, (x, y)) in zip(v, zip(scaleA, scaleB)) {
            var s = 0.0
            for i in 0..<p.count {
                let tol = atol + rtol * Double(max(abs(x.storage[i]), abs(y.storage[i])))
                let r = Double(p.storage[i]) / tol
                s += r * r
            }
            sums.append(s)
            sums.append(Double(p.count))
        }
        if let reduction { sums = reduction.total(sums) }
        var worst = 0.0
        for k in stride(from: 0, to: sums.count, by: 2) {
            let rms = (sums[k] / max(sums[k + 1], 1)).squareRoot()
            if propagatingNaN && rms.isNaN { return .nan }
            worst = max(worst, rms)
        }
        return worst
    }

    package func errorRatio(_ error: [Matrix], y0: [Matrix], y1: [Matrix]) -> Double {
        norm(error, scaleA: y0, scaleB: y1, propagatingNaN: true)
    }

    package func nextStep(_ h: Double, ratio: Double, order: Int) -> Double {
        if ratio == 0 { return h * maxGrowth }
        let lower = ratio < 1 ? 1 : maxShrink
        return h * min(maxGrowth, max(safety * pow(ratio, -1.0 / Double(order)), lower))
    }

    /// Hairer–Nørsett–Wanner's starting step (one extra evaluation).
    package func initialStep<S: ODEState>(_ f: (Double, S) -> S, t0: Double, t1: Double, y0: S, f0: S, order: Int,
                                         nfe: inout Int) -> Double {
        let direction: Double = t1 >= t0 ? 1 : -1
        let y = y0.parts, fp = f0.parts
        let zero = y.map { Matrix(rows: $0.rows, cols: $0.cols) }
        let d0 = norm(y, scaleA: y, scaleB: zero)
        let d1 = norm(fp, scaleA: y, scaleB: zero)
        let h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
        let y1 = y0.adding([(direction * h0, f0)])
        let f1 = f(t0 + direction * h0, y1)
        nfe += 1
        let diff = zip(f1.parts, fp).map { $0 - $1 }
        let d2 = norm(diff, scaleA: y, scaleB: zero) / h0
        let h1 = max(d1, d2) <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / max(d1, d2), 1.0 / Double(order))
        return min(100 * h0, h1)
    }
}
