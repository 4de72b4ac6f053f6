import Testing
import Foundation
import FlowCore
import FlowODE

/// Solver order, adaptive step counts against a reference Dormand–Prince, reverse time, and
/// failures as values.
struct ODESolverTests {
    /// y' = A y with A = [[−0.5, 1], [−1, −0.5]]: y(t) = e^{−t/2} R(t) y₀ (a decaying rotation).
    static func field(_ t: Double, _ y: MatrixState) -> MatrixState {
        let m = y.parts[0]
        var out = Matrix(rows: m.rows, cols: 2)
        for r in 0..<m.rows {
            out[r, 0] = -0.5 * m[r, 0] + m[r, 1]
            out[r, 1] = -m[r, 0] - 0.5 * m[r, 1]
        }
        return MatrixState([out])
    }

    static func exact(_ t: Double) -> (Double, Double) {
        let d = exp(-0.5 * t)
        return (d * cos(t), -d * sin(t))  // from y₀ = (1, 0)
    }

    /// A Double-precision state so convergence is measured far below Float32 round-off.
    struct DoubleState: ODEState {
        var v: [Double]
        func adding(_ terms: [(Double, DoubleState)]) -> DoubleState {
            var out = v
            for (c, t) in terms { for i in out.indices { out[i] += c * t.v[i] } }
            return DoubleState(v: out)
        }
        var parts: [Matrix] { [Matrix(rows: 1, cols: v.count, storage: v.map { Float($0) })] }
    }

    static func error(_ tableau: ButcherTableau, steps: Int, T: Double) -> Double {
        let s = ODESolver(tableau: tableau, controller: ConstantStepSize(steps: steps))
        let sol = s.solve({ _, y in DoubleState(v: [-0.5 * y.v[0] + y.v[1], -y.v[0] - 0.5 * y.v[1]]) },
                          y0: DoubleState(v: [1, 0]), from: 0, to: T)
        let (ex, ey) = exact(T)
        return max(abs(sol.y.v[0] - ex), abs(sol.y.v[1] - ey))
    }

    /// Step counts where Float32 round-off stays well below the truncation error.
    /// Step sizes h = 8/n over [0, 8], in the asymptotic regime (errors 1e-3 … 1e-12).
    @Test(arguments: [(ButcherTableau.euler, [64, 128, 256, 512]), (.midpoint, [32, 64, 128, 256]),
                      (.rk4, [16, 32, 64, 128]), (.dopri5, [16, 32, 64, 128])])
    func empiricalOrderMatchesDeclaredOrder(_ tableau: ButcherTableau, _ steps: [Int]) {
        let xs = steps.map { log(8.0 / Double($0)) }
        let errors = steps.map { Self.error(tableau, steps: $0, T: 8) }
        let ys = errors.map { log($0) }
        let slope = Self.leastSquaresSlope(xs, ys)
        #expect(abs(slope - Double(tableau.order)) < 0.5, "\(tableau.name): fitted order \(slope), declared \(tableau.order)")
    }

    static func leastSquaresSlope(_ xs: [Double], _ ys: [Double]) -> Double {
        let n = Double(xs.count)
        let mx: Double = xs.reduce(0, +) / n
        let my: Double = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        return sxy / sxx
    }

    @Test func tableauxAreConsistent() {
        for t in ButcherTableau.all {
            #expect(abs(t.b.reduce(0, +) - 1) < 1e-12, "\(t.name): Σb ≠ 1")
            for (i, row) in t.a.enumerated() where !row.isEmpty {
                #expect(abs(row.reduce(0, +) - t.c[i]) < 1e-12, "\(t.name): row \(i) does not sum to c")
            }
        }
        #expect(abs(ButcherTableau.dopri5.errorWeights!.reduce(0, +)) < 1e-12)
    }

    /// Reference: scipy 1.17 `solve_ivp(method="RK45", atol=rtol=1e-5)` takes 11 steps on
    /// y' = −y over [0, 5] (error 1.5e-6) and 24 steps on the oscillator y'' = −y over [0, 10]
    /// (error 4.7e-5). Its error estimate is 3/2 of torchdiffeq's (Dormand & Prince 1980; torchdiffeq's `dopri5`), so
    /// dopri5 here may take somewhat fewer steps; we require the same range.
    @Test func dopri5StepCountsAndErrorsMatchReference() {
        let control = AdaptiveStepSize(atol: 1e-5, rtol: 1e-5)
        let solver = ODESolver(tableau: .dopri5, controller: control)
        let decay = solver.solve({ _, y in MatrixState([y.parts[0].map { -$0 }]) },
                                 y0: MatrixState([Matrix([[1]])]), from: 0, to: 5)
        #expect(decay.result == .success)
        #expect((6...16).contains(decay.accepted), "decay: \(decay.accepted) steps")
        #expect(abs(Double(decay.y.parts[0][0, 0]) - exp(-5)) < 2e-5)
        #expect(decay.nfe == 2 + 6 * (decay.accepted + decay.rejected), "dopri5 NFE = 2 + 6·steps (FSAL)")
        let osc = solver.solve({ _, y in
            let m = y.parts[0]
            return MatrixState([Matrix([[m[0, 1], -m[0, 0]]])])
        }, y0: MatrixState([Matrix([[1, 0]])]), from: 0, to: 10)
        #expect((14...36).contains(osc.accepted), "oscillator: \(osc.accepted) steps")
        #expect(abs(Double(osc.y.parts[0][0, 0]) - cos(10)) < 3e-4)
        #expect(abs(Double(osc.y.parts[0][0, 1]) + sin(10)) < 3e-4)
    }

    @Test func integratesBackwardsInTime() {
        let solver = ODESolver(tableau: .dopri5, controller: AdaptiveStepSize(atol: 1e-7, rtol: 1e-7))
        let y0 = MatrixState([Matrix([[0.3, -1.2], [2, 0.5]])])
        let fwd = solver.solve(Self.field, y0: y0, from: 0, to: 1.5)
        let back = solver.solve(Self.field, y0: fwd.y, from: 1.5, to: 0)
        #expect(back.t == 0)
        for i in 0..<4 { #expect(abs(back.y.parts[0].storage[i] - y0.parts[0].storage[i]) < 1e-4) }
    }

    @Test func failuresAreValuesNotCrashes() {
        var control = AdaptiveStepSize(atol: 1e-8, rtol: 1e-8)
        control.maxSteps = 5
        let capped = ODESolver(tableau: .dopri5, controller: control)
            .solve(Self.field, y0: MatrixState([Matrix([[1, 0]])]), from: 0, to: 50)
        #expect(capped.result == .maxStepsReached(5))
        #expect(capped.result.message.contains("step cap"))
        let blowUp = ODESolver(tableau: .dopri5, controller: AdaptiveStepSize(atol: 1e-6, rtol: 1e-6))
            .solve({ _, y in MatrixState([y.parts[0].map { $0 * $0 * $0 * 1e3 }]) },
                   y0: MatrixState([Matrix([[3]])]), from: 0, to: 10)
        #expect(!blowUp.result.isSuccess, "finite-time blow-up must not report success")
        let nan = ODESolver(tableau: .rk4, controller: ConstantStepSize(steps: 4))
            .solve({ _, y in MatrixState([y.parts[0].map { _ in .nan }]) }, y0: MatrixState([Matrix([[1]])]), from: 0, to: 1)
        #expect(nan.result == .nonFinite(0.25))
        // An adaptive solve whose field turns NaN part-way: the error norm must not drop it.
        let nanLater = ODESolver(tableau: .dopri5, controller: AdaptiveStepSize(atol: 1e-6, rtol: 1e-6))
            .solve({ t, y in MatrixState([y.parts[0].map { t > 0.3 ? .nan : -$0 }]) },
                   y0: MatrixState([Matrix([[1, 2]])]), from: 0, to: 1)
        #expect(!nanLater.result.isSuccess, "a NaN state must not report success (got \(nanLater.result))")
        #expect(!nanLater.y.parts[0].storage.contains { $0.isNaN })
    }
}

extension ODESolverTests {
    /// dopri5's quartic dense output between steps is about as accurate as the steps themselves.
    @Test func dopri5DenseOutputIsAccurateBetweenSteps() {
        let solver = ODESolver(tableau: .dopri5, controller: AdaptiveStepSize(atol: 1e-6, rtol: 1e-6))
        let times = (0...40).map { Double($0) * 0.2 }
        let sol = solver.solve({ _, y in DoubleState(v: [-0.5 * y.v[0] + y.v[1], -y.v[0] - 0.5 * y.v[1]]) },
                               y0: DoubleState(v: [1, 0]), from: 0, to: 8, saveAt: times.reversed())
        #expect(sol.saved.count == times.count)
        #expect(sol.accepted < 40, "steps are longer than the output spacing, so most outputs are interpolated")
        for (t, y) in sol.saved {
            let (ex, ey) = Self.exact(t)
            #expect(abs(y.v[0] - ex) < 2e-5 && abs(y.v[1] - ey) < 2e-5, "t = \(t)")
        }
        #expect(sol.saved.map(\.t) == times.reversed(), "outputs come back in the order asked")
        // Backwards in time too.
        let back = solver.solve({ _, y in DoubleState(v: [-0.5 * y.v[0] + y.v[1], -y.v[0] - 0.5 * y.v[1]]) },
                                y0: DoubleState(v: [Self.exact(8).0, Self.exact(8).1]), from: 8, to: 0, saveAt: [4, 2.5])
        for (t, y) in back.saved { #expect(abs(y.v[0] - Self.exact(t).0) < 1e-4, "t = \(t)") }
    }

    /// Constant stepping through the one solver loop: exactly n steps, s evaluations per step
    /// (no extra evaluation at the end), landing exactly on t₁, forwards and backwards.
    @Test func constantStepsCostExactlyNStagesAndLandOnT1() {
        let solver = ODESolver(tableau: .rk4, controller: ConstantStepSize(steps: 10))
        for (t0, t1) in [(0.0, 0.7), (0.7, 0.0)] {
            let sol = solver.solve(Self.field, y0: MatrixState([Matrix([[1, 0]])]), from: t0, to: t1)
            #expect(sol.result == .success && sol.accepted == 10 && sol.rejected == 0)
            #expect(sol.nfe == 40)
            #expect(sol.t == t1)
        }
    }
}
