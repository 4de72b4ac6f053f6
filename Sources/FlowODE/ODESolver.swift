#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// How a solve ended. Failures are values with a message, never a trap.
public enum SolveResult: Sendable, Equatable {
    case success
    case maxStepsReached(Int)
    case stepTooSmall(Double)
    case nonFinite(Double)

    public var isSuccess: Bool { self == .success }

    public var message: String {
        switch self {
        case .success: return "ok"
        case .maxStepsReached(let n): return "ODE solver hit its step cap (\(n) steps); loosen atol/rtol or raise the cap"
        case .stepTooSmall(let t): return "ODE step size underflowed at t = \(t); the dynamics are too stiff for these tolerances"
        case .nonFinite(let t): return "ODE state became NaN/inf at t = \(t)"
        }
    }
}

/// A solve's end state and what it cost.
public struct Solution<S> {
    public var y: S
    public var t: Double
    public var result: SolveResult
    /// Function evaluations, accepted and rejected steps.
    public var nfe = 0
    public var accepted = 0
    public var rejected = 0
    /// (t, y) after every accepted step, when requested.
    public var path: [(t: Double, y: S)] = []
    /// y at the requested `saveAt` times (dense output for dopri5, linear interpolation for
    /// tableaux without it), in the order requested.
    public var saved: [(t: Double, y: S)] = []

    public init(y: S, t: Double, result: SolveResult) {
        self.y = y
        self.t = t
        self.result = result
    }
}

/// Dense output inside one accepted step from (t₀, y₀, f₀) to (t₀ + h, y₁, f₁).
struct DenseStep<S: ODEState> {
    let t0: Double, h: Double
    let y0: S, y1: S, f0: S, f1: S
    /// y at the midpoint (quartic interpolation), nil for linear interpolation.
    let yMid: S?

    /// The interpolant at t (Shampine 1986; torchdiffeq's `dopri5`), written as weights on y₀, y₁, y_mid, f₀, f₁.
    func value(at t: Double) -> S {
        let s = (t - t0) / h
        guard let yMid else { return y0.adding([(-s, y0), (s, y1)]) }
        let s2 = s * s, s3 = s2 * s, s4 = s3 * s
        return y0.adding([
            (-11 * s2 + 18 * s3 - 8 * s4, y0),
            (-5 * s2 + 14 * s3 - 8 * s4, y1),
            (16 * s2 - 32 * s3 + 16 * s4, yMid),
            (h * (s - 4 * s2 + 5 * s3 - 2 * s4), f0),
            (h * (s2 - 3 * s3 + 2 * s4), f1),
        ])
    }
}

/// Step-size control as in torchdiffeq's dopri5 (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4): mixed RMS/max
/// error norm, safety 0.9, growth ≤ 10, shrink ≥ 0.2, accepted steps never shrink, Hairer's
/// initial step.
public struct StepSizeController: Sendable, Equatable {
    public var atol: Double
    public var rtol: Double
    public var safety = 0.9
    public var maxGrowth = 10.0
    public var maxShrink = 0.2
    /// Accepted-step cap; beyond it the solve stops with `.maxStepsReached`.
    public var maxSteps = 1000
    public var minStep = 1e-10

    public init(atol: Double, rtol: Double, maxSteps: Int = 1000) {
        self.atol = atol
        self.rtol = rtol
        self.maxSteps = maxSteps
    }

    /// `max over parts of RMS(v / (atol + rtol·max(|a|, |b|)))`.
    func norm(_ v: [Matrix], scaleA: [Matrix], scaleB: [Matrix]) -> Double {
        var worst = 0.0
        for (p, (x, y)) in zip(v, zip(scaleA, scaleB)) {
            var s = 0.0
            for i in 0..<p.count {
                let tol = atol + rtol * Double(max(abs(x.storage[i]), abs(y.storage[i])))
                let r = Double(p.storage[i]) / tol
                s += r * r
            }
            worst = max(worst, (s / Double(max(p.count, 1))).squareRoot())
        }
        return worst
    }

    /// Next step factor after an error ratio.
    func factor(ratio: Double, order: Int) -> Double {
        if ratio == 0 { return maxGrowth }
        let lower = ratio < 1 ? 1 : maxShrink
        return min(maxGrowth, max(safety * pow(ratio, -1.0 / Double(order)), lower))
    }
}

/// Explicit Runge–Kutta integration: fixed steps, or adaptive with an embedded estimate.
/// Integrates forwards or backwards in time (`t1 < t0`).
public struct ODESolver: Sendable {
    public enum Mode: Sendable, Equatable {
        case fixed(steps: Int)
        case adaptive(StepSizeController)
    }

    public var tableau: ButcherTableau
    public var mode: Mode

    public init(tableau: ButcherTableau, mode: Mode) {
        precondition(tableau.errorWeights != nil || { if case .fixed = mode { return true } else { return false } }(),
                     "adaptive stepping needs an embedded error estimate")
        self.tableau = tableau
        self.mode = mode
    }

    /// One step of the tableau from (t, y) with k₁ = f(t, y) given; returns y₁ and the stages.
    func step<S: ODEState>(_ f: (Double, S) -> S, t: Double, y: S, k1: S, h: Double) -> (y1: S, stages: [S], nfe: Int) {
        var k: [S] = [k1]
        var nfe = 0
        let s = tableau.stages
        for i in 1..<s {
            if tableau.fsal && i == s - 1 {
                // The FSAL stage input is y₁ itself.
                let y1 = y.adding(zip(tableau.b, k).map { (h * $0, $1) })
                k.append(f(t + h, y1))
                nfe += 1
                return (y1, k, nfe)
            }
            let yi = y.adding(zip(tableau.a[i], k).map { (h * $0, $1) })
            k.append(f(t + tableau.c[i] * h, yi))
            nfe += 1
        }
        return (y.adding(zip(tableau.b, k).map { (h * $0, $1) }), k, nfe)
    }

    /// Solves y' = f(t, y) from `t0` to `t1`.
    public func solve<S: ODEState>(_ f: (Double, S) -> S, y0: S, from t0: Double, to t1: Double,
                                   recordPath: Bool = false, saveAt: [Double] = []) -> Solution<S> {
        var sol = Solution(y: y0, t: t0, result: .success)
        if recordPath { sol.path.append((t0, y0)) }
        let direction: Double = t1 >= t0 ? 1 : -1
        // Requested output times, in integration order; each is filled once a step covers it.
        var pending = saveAt.enumerated().sorted { direction * $0.element < direction * $1.element }
        var saved = [(t: Double, y: S)?](repeating: nil, count: saveAt.count)
        while let first = pending.first, direction * (first.element - t0) <= 0 {
            saved[first.offset] = (first.element, y0)
            pending.removeFirst()
        }
        func cover(_ step: DenseStep<S>) {
            let end = step.t0 + step.h
            while let first = pending.first, direction * (first.element - end) <= 0 {
                saved[first.offset] = (first.element, step.value(at: first.element))
                pending.removeFirst()
            }
        }
        guard t1 != t0 else {
            sol.saved = saved.compactMap { $0 }
            return sol
        }
        var k1 = f(t0, y0)
        sol.nfe = 1
        switch mode {
        case .fixed(let steps):
            let n = max(1, steps)
            let h = (t1 - t0) / Double(n)
            var y = y0
            for i in 0..<n {
                let t = t0 + Double(i) * h
                if i > 0 { k1 = f(t, y); sol.nfe += 1 }
                let r = step(f, t: t, y: y, k1: k1, h: h)
                sol.nfe += r.nfe
                if !pending.isEmpty {
                    cover(DenseStep(t0: t, h: h, y0: y, y1: r.y1, f0: k1, f1: k1, yMid: nil))
                }
                y = r.y1
                sol.accepted += 1
                if !y.parts.allSatisfy(\.isFinite) { sol.y = y; sol.t = t + h; sol.result = .nonFinite(t + h); return sol }
                if recordPath { sol.path.append((t + h, y)) }
            }
            sol.y = y
            sol.t = t1
            sol.saved = saved.compactMap { $0 }
            return sol
        case .adaptive(let control):
            var t = t0, y = y0
            var h = direction * initialStep(f, t0: t0, y0: y0, f0: k1, direction: direction, control: control, nfe: &sol.nfe)
            let e = tableau.errorWeights!
            while direction * (t1 - t) > 0 {
                if sol.accepted >= control.maxSteps { sol.result = .maxStepsReached(control.maxSteps); break }
                if abs(h) < control.minStep || t + h == t { sol.result = .stepTooSmall(t); break }
                // Land exactly on t1 (no overshoot: the field is only asked about [t0, t1]).
                if direction * (t + h - t1) > 0 { h = t1 - t }
                let r = step(f, t: t, y: y, k1: k1, h: h)
                sol.nfe += r.nfe
                let err = y.parts.indices.map { p -> Matrix in
                    var m = Matrix(rows: y.parts[p].rows, cols: y.parts[p].cols)
                    for (w, k) in zip(e, r.stages) where w != 0 {
                        let kp = k.parts[p]
                        for i in 0..<m.count { m.storage[i] += Float(h * w) * kp.storage[i] }
                    }
                    return m
                }
                let y1Parts = r.y1.parts
                let ratio = control.norm(err, scaleA: y.parts, scaleB: y1Parts)
                if !ratio.isFinite {
                    // NaN/inf in a trial step: shrink hard; give up only when the step underflows.
                    sol.rejected += 1
                    h *= control.maxShrink
                    if !y1Parts.allSatisfy(\.isFinite) && abs(h) < control.minStep { sol.result = .nonFinite(t); break }
                    continue
                }
                if ratio <= 1 {
                    let f1 = tableau.fsal ? r.stages[r.stages.count - 1] : f(t + h, r.y1)
                    if !tableau.fsal { sol.nfe += 1 }
                    if !pending.isEmpty {
                        let mid = tableau.midpointWeights.map { w in y.adding(zip(w, r.stages).map { (h * $0, $1) }) }
                        cover(DenseStep(t0: t, h: h, y0: y, y1: r.y1, f0: k1, f1: f1, yMid: mid))
                    }
                    t += h
                    y = r.y1
                    k1 = f1
                    sol.accepted += 1
                    if recordPath { sol.path.append((t, y)) }
                } else {
                    sol.rejected += 1
                }
                h *= control.factor(ratio: ratio, order: tableau.order)
            }
            sol.y = y
            sol.t = t
            sol.saved = saved.compactMap { $0 }
            return sol
        }
    }

    /// Hairer–Nørsett–Wanner's starting step (one extra evaluation).
    func initialStep<S: ODEState>(_ f: (Double, S) -> S, t0: Double, y0: S, f0: S, direction: Double,
                                  control: StepSizeController, nfe: inout Int) -> Double {
        let y = y0.parts, fp = f0.parts
        let zero = y.map { Matrix(rows: $0.rows, cols: $0.cols) }
        let d0 = control.norm(y, scaleA: y, scaleB: zero)
        let d1 = control.norm(fp, scaleA: y, scaleB: zero)
        let h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
        let y1 = y0.adding([(direction * h0, f0)])
        let f1 = f(t0 + direction * h0, y1)
        nfe += 1
        let diff = zip(f1.parts, fp).map { $0 - $1 }
        let d2 = control.norm(diff, scaleA: y, scaleB: zero) / h0
        let h1 = max(d1, d2) <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / max(d1, d2), 1.0 / Double(tableau.order))
        return min(100 * h0, h1)
    }
}
