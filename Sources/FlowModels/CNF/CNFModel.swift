#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData
import FlowODE

/// FFJORD (Grathwohl, Chen et al. 2019): a continuous normalizing flow
///
///     dz/dt = f(z, t; θ),  dΔ/dt = −tr(∂f/∂z),  z(0) = x,
///     log p(x) = log N(z(T); 0, I) − Δ(T),
///
/// integrated from the data (t = 0) to the base (t = T). Training gradients come from the
/// adjoint method or from backpropagation through the solver; the trace is exact (two tangents)
/// or Hutchinson's estimator with noise frozen per solve. Evaluation always uses the exact trace.
package final class CNFModel: GenerativeModel, ModelInspection {
    package let config: ModelConfig
    package internal(set) var options: CNFOptions
    /// Set by `DataParallel` while this replica computes one shard's loss and gradients: the
    /// training solves then take the whole batch's steps.
    private var lockstep: (any ErrorSumReduction)?
    /// One ODE net per stacked CNF block (`--layers`); data passes through them in order.
    package let nets: [ODENet]
    /// The first block's net.
    package var net: ODENet { nets[0] }

    package init(config: ModelConfig) throws {
        let o = config.cnf ?? CNFOptions()
        guard ButcherTableau.named(o.solver) != nil else {
            throw ModelError("unknown solver '\(o.solver)'; choose one of \(ButcherTableau.all.map(\.name).joined(separator: " "))")
        }
        guard o.time > 0, o.time < 100 else { throw ModelError("--time must be in (0, 100)") }
        guard o.kinetic >= 0 else { throw ModelError("--kinetic must be >= 0") }
        guard o.jacobian >= 0 else { throw ModelError("--jacobian must be >= 0") }
        guard o.atol > 0 else { throw ModelError("--atol must be positive") }
        guard o.rtol > 0 else { throw ModelError("--rtol must be positive") }
        guard o.steps >= 1 else { throw ModelError("--steps must be >= 1") }
        self.config = config
        self.options = o
        var rng = Xoshiro256(seed: config.seed)
        guard config.layers >= 1, config.layers <= 8 else { throw ModelError("ffjord stacks 1 to 8 CNF blocks (--layers)") }
        nets = (0..<config.layers).map { b in
            ODENet(hidden: config.hidden, conditioning: o.conditioning, name: config.layers == 1 ? "odenet" : "odenet\(b)", using: &rng)
        }
    }

    package var parameters: [Variable] { nets.flatMap(\.parameters) }
    var blocks: Range<Int> { 0..<nets.count }
    package func prepare(with batch: Matrix) {}
    package func didLoadParameters() {}

    var regularized: Bool { options.kinetic > 0 || options.jacobian > 0 }

    /// The training solver (the configured one) and the evaluation solver (dopri5 at the
    /// configured tolerances — fixed-step training does not mean one-step evaluation).
    var trainingSolver: ODESolver {
        let t = ButcherTableau.named(options.solver)!
        if t.errorWeights == nil { return ODESolver(tableau: t, controller: ConstantStepSize(steps: options.steps)) }
        var controller = AdaptiveStepSize(atol: options.atol, rtol: options.rtol, maxSteps: options.maxSteps)
        controller.reduction = lockstep
        return ODESolver(tableau: t, controller: controller)
    }

    package func solveInLockstep(_ reduction: (any ErrorSumReduction)?) { lockstep = reduction }

    var evaluationSolver: ODESolver {
        ODESolver(tableau: .dopri5, controller: AdaptiveStepSize(atol: options.atol, rtol: options.rtol, maxSteps: options.maxSteps))
    }

    // MARK: dynamics

    package static func basis(_ rows: Int, _ j: Int) -> Variable { Variable(basisMatrix(rows, j)) }

    /// The tangent e_j for every row (`rows × 2`).
    package static func basisMatrix(_ rows: Int, _ j: Int) -> Matrix {
        var m = Matrix(rows: rows, cols: 2)
        for r in 0..<rows { m[r, j] = 1 }
        return m
    }

    /// `[f, −div f, reg]` at (t, z). `noise` selects Hutchinson's estimator; `regularize`
    /// appends the per-sample regulariser rate λ_K‖f‖² + λ_J‖J‖²_F.
    package func dynamics(t: Double, z: Variable, noise: Matrix?, regularize: Bool, block: Int = 0) -> [Variable] {
        let n = z.rows
        if noise == nil && !regularize {
            // The common case as two nodes: f, and −div read straight off the stacked tangents.
            let s = nets[block].stacked(t: t, z, tangents: [Self.basis(n, 0), Self.basis(n, 1)])
            return [s.rows(0..<n), s.negatedExactTrace(blockRows: n)]
        }
        let tangents = noise.map { [Variable($0)] } ?? [Self.basis(n, 0), Self.basis(n, 1)]
        let (f, jvps) = nets[block](t: t, z, tangents: tangents)
        let div: Variable
        if let noise {
            div = (jvps[0] * Variable(noise)).sumCols()
        } else {
            div = jvps[0].column(0) + jvps[1].column(1)
        }
        var out = [f, -div]
        if regularize {
            var reg = f.square().sumCols().scaled(by: Float(options.kinetic))
            if options.jacobian > 0 {
                let frob = jvps.dropFirst().reduce(jvps[0].square().sumCols()) { $0 + $1.square().sumCols() }
                reg = reg + frob.scaled(by: Float(options.jacobian))
            }
            out.append(reg)
        }
        return out
    }

    /// `dynamics` without a tape, for solves that need no gradient: the same values, bit for
    /// bit (a regularised field goes through the tape ops).
    package func dynamicsValues(t: Double, z: Matrix, noise: Matrix?, regularize: Bool, block: Int = 0) -> [Matrix] {
        if regularize { return dynamics(t: t, z: Variable(z), noise: noise, regularize: true, block: block).map(\.value) }
        let n = z.rows
        let tangents = noise.map { [$0] } ?? [Self.basisMatrix(n, 0), Self.basisMatrix(n, 1)]
        let (f, jvps) = nets[block].values(t: t, z, tangents: tangents)
        let div = noise.map { jvps[0].zipMap($0, *).sumCols() } ?? jvps[0].column(0).zipMap(jvps[1].column(1), +)
        return [f, div.map { -$0 }]
    }

    func drawNoise(rows: Int, using rng: inout Xoshiro256) -> Matrix? {
        switch options.trace {
        case .exact: return nil
        case .hutchinson: return rng.normalMatrix(rows: rows, cols: 2)
        case .rademacher:
            var m = Matrix(rows: rows, cols: 2)
            for i in 0..<m.count { m.storage[i] = rng.bernoulli(0.5) ? 1 : -1 }
            return m
        }
    }

    // MARK: training

    package func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
        if case .energy(let target) = dataset {
            return reverseKLLoss(target: target, rows: batch.rows, iteration: iteration, using: &rng)
        }
        let noise = drawNoise(rows: batch.rows, using: &rng)
        switch options.gradient {
        case .backprop: return backpropLoss(batch, noise: noise)
        case .adjoint: return adjointLoss(batch, noise: noise)
        }
    }

    func initialState(_ x: Matrix) -> [Matrix] {
        var s = [x, Matrix(rows: x.rows, cols: 1)]
        if regularized { s.append(Matrix(rows: x.rows, cols: 1)) }
        return s
    }

    func backpropLoss(_ batch: Matrix, noise: Matrix?) -> ModelLoss {
        var state = VariableState(vars: initialState(batch).map { Variable($0) })
        var figures: Figures = [.nfeForward: 0, .nfeBackward: 0, .stepsAccepted: 0, .stepsRejected: 0]
        for b in blocks {
            let sol = trainingSolver.solve({ t, s in
                VariableState(vars: self.dynamics(t: t, z: s.vars[0], noise: noise, regularize: self.regularized, block: b))
            }, y0: state, from: 0, to: options.time)
            Self.count(sol, into: &figures)
            guard sol.result.isSuccess else {
                return ModelLoss(loss: Variable(Matrix(rows: 1, cols: 1, storage: [.nan])), figures: figures, message: sol.result.message)
            }
            state = sol.y
        }
        let z = state.vars[0], delta = state.vars[1]
        var loss = (delta - NormalizingFlow.standardNormalLogProb(z)).mean()
        if regularized {
            let r = state.vars[2].mean()
            figures[.regularizer] = Double(r.scalar)
            loss = loss + r
        }
        return ModelLoss(loss: loss, figures: figures)
    }

    /// Annealed reverse KL to an energy target, `E_z[log q(x) + β U(x)]`, by backpropagation
    /// through the reverse solve: from z ~ N(0, I) at t = T to x at t = 0, with
    /// `log q(x) = log N(z) + Δ(0)` where Δ accumulates −tr(∂f/∂z) along the way.
    func reverseKLLoss(target: EnergyTarget, rows: Int, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
        let beta = ReverseKL.annealing(iteration: iteration, iterations: config.iterations)
        let z = rng.normalMatrix(rows: rows, cols: 2)
        let noise = drawNoise(rows: rows, using: &rng)
        var state = VariableState(vars: [Variable(z), Variable(Matrix(rows: rows, cols: 1))])
        var figures: Figures = [.nfeForward: 0, .nfeBackward: 0, .beta: beta, .stepsAccepted: 0, .stepsRejected: 0]
        for b in blocks.reversed() {
            let sol = trainingSolver.solve({ t, s in
                VariableState(vars: self.dynamics(t: t, z: s.vars[0], noise: noise, regularize: false, block: b))
            }, y0: state, from: options.time, to: 0)
            Self.count(sol, into: &figures)
            guard sol.result.isSuccess else {
                return ModelLoss(loss: Variable(Matrix(rows: 1, cols: 1, storage: [.nan])), figures: figures, message: sol.result.message)
            }
            state = sol.y
        }
        let logq = NormalizingFlow.standardNormalLogProb(Variable(z)) + state.vars[1]
        let loss = (logq + state.vars[0].energy(target).scaled(by: Float(beta))).mean()
        return ModelLoss(loss: loss, figures: figures)
    }

    // MARK: inference

    package func logDensity(_ points: Matrix) -> [Float]? {
        var out: [Float] = []
        out.reserveCapacity(points.rows)
        var start = 0
        while start < points.rows {
            let end = min(points.rows, start + 2048)
            let x = points.rows(start..<end)
            var state = MatrixState([x, Matrix(rows: x.rows, cols: 1)])
            var ok = true
            for b in blocks where ok {
                let sol = evaluationSolver.solve({ t, s in
                    MatrixState(self.dynamicsValues(t: t, z: s.parts[0], noise: nil, regularize: false, block: b))
                }, y0: state, from: 0, to: options.time)
                ok = sol.result.isSuccess
                state = sol.y
            }
            let z = state.parts[0], delta = state.parts[1]
            for r in 0..<x.rows {
                let logN = Float(standardNormalLogDensity2D(Double(z[r, 0]), Double(z[r, 1])))
                out.append(ok ? logN - delta[r, 0] : .nan)
            }
            start = end
        }
        return out
    }

    /// Transports base points from t = T back to the data at t = 0 (no trace needed).
    /// Base points through the blocks in reverse (no trace); `saved` collects the `saveAt`
    /// times of every block, last block first.
    func transport(_ z: Matrix, solver: ODESolver, saveAt: [Double] = []) -> Solution<MatrixState> {
        var sol = Solution(y: MatrixState([z]), t: options.time, result: .success)
        for b in blocks.reversed() {
            let part = solver.solve({ t, s in
                MatrixState([self.nets[b].values(t: t, s.parts[0], tangents: []).f])
            }, y0: sol.y, from: options.time, to: 0, saveAt: saveAt)
            sol.y = part.y
            sol.t = part.t
            sol.saved += part.saved
            sol.nfe += part.nfe
            if !part.result.isSuccess { sol.result = part.result; break }
        }
        return sol
    }

    /// Adds a solve's cost to the per-iteration figures.
    static func count(_ sol: Solution<some ODEState>, into figures: inout Figures) {
        figures[.nfeForward, default: 0] += Double(sol.nfe)
        figures[.stepsAccepted, default: 0] += Double(sol.accepted)
        figures[.stepsRejected, default: 0] += Double(sol.rejected)
    }

    package func sample(count: Int, using rng: inout Xoshiro256) -> Matrix {
        var out: [Matrix] = []
        var remaining = count
        while remaining > 0 {
            let k = min(remaining, 4096)
            out.append(transport(rng.normalMatrix(rows: k, cols: 2), solver: evaluationSolver).y.parts[0])
            remaining -= k
        }
        return Matrix.concatRows(out)
    }
}
