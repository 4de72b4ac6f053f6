#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// How a solve ended. Failures are values with a message, never a trap.
package enum SolveResult: Sendable, Equatable {
    case success
    case maxStepsReached(Int)
    case stepTooSmall(Double)
    case nonFinite(Double)

    package var isSuccess: Bool { self == .success }

    package var message: String {
        switch self {
        case .success: return "ok"
        case .maxStepsReached(let n): return "ODE solver hit its step cap (\(n) steps); loosen atol/rtol or raise the cap"
        case .stepTooSmall(let t): return "ODE step size underflowed at t = \(t); the dynamics are too stiff for these tolerances"
        case .nonFinite(let t): return "ODE state became NaN/inf at t = \(t)"
        }
    }
}

/// A solve's end state and what it cost.
package struct Solution<S> {
    package var y: S
    package var t: Double
    package var result: SolveResult
    /// Function evaluations, accepted and rejected steps.
    package var nfe = 0
    package var accepted = 0
    package var rejected = 0
    /// y at the requested `saveAt` times (dense output for dopri5, linear interpolation for
    /// tableaux without it), in the order requested.
    package var saved: [(t: Double, y: S)] = []

    package init(y: S, t: Double, result: SolveResult) {
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

/// Explicit Runge–Kutta integration of y' = f(t, y): a Butcher tableau stepped by a step-size
/// controller (diffrax's solver × controller). One loop serves constant and adaptive stepping;
/// it integrates forwards or backwards in time (`t1 < t0`) and lands exactly on `t1`.
package struct ODESolver: Sendable {
    package var tableau: ButcherTableau
    package var controller: any StepSizeController

    package init(tableau: ButcherTableau, controller: any StepSizeController) {
        precondition(tableau.errorWeights != nil || !controller.needsErrorEstimate,
                     "adaptive stepping needs an embedded error estimate")
        self.tableau = tableau
        self.controller = controller
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

    /// The embedded error estimate `h Σ eᵢ kᵢ` of a step, per state part.
    func errorEstimate<S: ODEState>(_ stages: [S], like y: S, h: Double) -> [Matrix] {
        let e = tableau.errorWeights ?? []
        return y.parts.indices.map { p -> Matrix in
            var m = Matrix(rows: y.parts[p].rows, cols: y.parts[p].cols)
            for (w, k) in zip(e, stages) where w != 0 {
                let kp = k.parts[p]
                for i in 0..<m.count { m.storage[i] += Float(h * w) * kp.storage[i] }
            }
            return m
        }
    }

    /// Solves y' = f(t, y) from `t0` to `t1`; `saveAt` times are filled by dense output.
    // Long by design: the one integration loop for every controller (diffrax's shape), kept
    // in one piece so trial step, acceptance and dense output read top to bottom.
    package func solve<S: ODEState>(_ f: (Double, S) -> S, y0: S, from t0: Double, to t1: Double,
                                   saveAt: [Double] = []) -> Solution<S> {
        var sol = Solution(y: y0, t: t0, result: .success)
        var output = DenseOutput<S>(saveAt: saveAt, t0: t0, y0: y0, forward: t1 >= t0)
        guard t1 != t0 else {
            sol.saved = output.values
            return sol
        }
        let direction: Double = t1 >= t0 ? 1 : -1
        var t = t0, y = y0
        var k1: S? = f(t0, y0)
        sol.nfe = 1
        var h = direction * controller.initialStep(f, t0: t0, t1: t1, y0: y0, f0: k1!, order: tableau.order, nfe: &sol.nfe)
        while direction * (t1 - t) > 0 {
            if sol.accepted >= controller.maxSteps { sol.result = .maxStepsReached(controller.maxSteps); break }
            if abs(h) < controller.minStep || t + h == t { sol.result = .stepTooSmall(t); break }
            // Land exactly on t1 (no overshoot: the field is only asked about [t0, t1]).
            if direction * (t + h - t1) > 0 { h = t1 - t }
            let f0: S
            if let k1 { f0 = k1 } else { f0 = f(t, y); sol.nfe += 1 }
            k1 = f0
            let r = step(f, t: t, y: y, k1: f0, h: h)
            sol.nfe += r.nfe
            let ratio = controller.needsErrorEstimate
                ? controller.errorRatio(errorEstimate(r.stages, like: y, h: h), y0: y.parts, y1: r.y1.parts)
                : (r.y1.parts.allSatisfy(\.isFinite) ? 0 : .nan)
            if !ratio.isFinite {
                // NaN/inf in a trial step: shrink hard; give up when the step cannot shrink.
                sol.rejected += 1
                if !controller.needsErrorEstimate || !(abs(h * 0.2) >= controller.minStep) {
                    sol.result = .nonFinite(t + h)
                    break
                }
                h *= 0.2
                continue
            }
            if ratio <= 1 {
                // FSAL tableaux hand over f(t + h, y₁); others evaluate it when next needed.
                let f1: S? = tableau.fsal ? r.stages[r.stages.count - 1] : nil
                if output.isWaiting {
                    let end = f1 ?? f(t + h, r.y1)
                    if f1 == nil { sol.nfe += 1 }
                    let mid = tableau.midpointWeights.map { w in y.adding(zip(w, r.stages).map { (h * $0, $1) }) }
                    output.cover(DenseStep(t0: t, h: h, y0: y, y1: r.y1, f0: f0, f1: end, yMid: mid))
                    k1 = end
                } else {
                    k1 = f1
                }
                // Snap to t1 against rounding in t + h (constant steps would leave a sliver).
                t = abs(t1 - (t + h)) <= 1e-12 * abs(t1 - t0) ? t1 : t + h
                y = r.y1
                sol.accepted += 1
            } else {
                sol.rejected += 1
            }
            h = direction * controller.nextStep(abs(h), ratio: ratio, order: tableau.order)
        }
        sol.y = y
        sol.t = t
        sol.saved = output.values
        return sol
    }
}

/// The `saveAt` bookkeeping of a solve: requested times in integration order, each filled once
/// an accepted step covers it.
struct DenseOutput<S: ODEState> {
    private var pending: [(offset: Int, element: Double)]
    private var saved: [(t: Double, y: S)?]
    private let direction: Double

    init(saveAt: [Double], t0: Double, y0: S, forward: Bool) {
        direction = forward ? 1 : -1
        let d = direction
        pending = saveAt.enumerated().map { ($0.offset, $0.element) }.sorted { d * $0.element < d * $1.element }
        saved = Array(repeating: nil, count: saveAt.count)
        while let first = pending.first, direction * (first.element - t0) <= 0 {
            saved[first.offset] = (first.element, y0)
            pending.removeFirst()
        }
    }

    var isWaiting: Bool { !pending.isEmpty }

    mutating func cover(_ step: DenseStep<S>) {
        let end = step.t0 + step.h
        while let first = pending.first, direction * (first.element - end) <= 0 {
            saved[first.offset] = (first.element, step.value(at: first.element))
            pending.removeFirst()
        }
    }

    var values: [(t: Double, y: S)] { saved.compactMap { $0 } }
}
