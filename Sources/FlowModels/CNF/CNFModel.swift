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
public final class CNFModel: GenerativeModel {
    public let config: ModelConfig
    public private(set) var options: CNFOptions
    /// One ODE net per stacked CNF block (`--layers`); data passes through them in order.
    public let nets: [ODENet]
    /// The first block's net.
    public var net: ODENet { nets[0] }

    public init(config: ModelConfig) throws {
        let o = config.cnf ?? CNFOptions()
        guard let tableau = ButcherTableau.named(o.solver) else {
            throw ModelError("unknown solver '\(o.solver)'; choose one of \(ButcherTableau.all.map(\.name).joined(separator: " "))")
        }
        guard o.time > 0, o.time.isFinite else { throw ModelError("--time must be positive") }
        guard o.atol > 0, o.rtol > 0 else { throw ModelError("--atol and --rtol must be positive") }
        if tableau.errorWeights == nil && o.steps < 1 { throw ModelError("--steps must be >= 1") }
        self.config = config
        self.options = o
        var rng = Xoshiro256(seed: config.seed)
        guard config.layers >= 1, config.layers <= 8 else { throw ModelError("ffjord stacks 1 to 8 CNF blocks (--layers)") }
        nets = (0..<config.layers).map { b in
            ODENet(hidden: config.hidden, conditioning: o.conditioning, name: config.layers == 1 ? "odenet" : "odenet\(b)", using: &rng)
        }
    }

    public var parameters: [Variable] { nets.flatMap(\.parameters) }
    var blocks: Range<Int> { 0..<nets.count }
    public func prepare(with batch: Matrix) {}
    public func didLoadParameters() {}

    var regularized: Bool { options.kinetic > 0 || options.jacobian > 0 }

    /// The training solver (the configured one) and the evaluation solver (dopri5 at the
    /// configured tolerances — fixed-step training does not mean one-step evaluation).
    var trainingSolver: ODESolver {
        let t = ButcherTableau.named(options.solver)!
        if t.errorWeights == nil { return ODESolver(tableau: t, mode: .fixed(steps: options.steps)) }
        return ODESolver(tableau: t, mode: .adaptive(StepSizeController(atol: options.atol, rtol: options.rtol, maxSteps: options.maxSteps)))
    }

    var evaluationSolver: ODESolver {
        ODESolver(tableau: .dopri5, mode: .adaptive(StepSizeController(atol: options.atol, rtol: options.rtol, maxSteps: options.maxSteps)))
    }

    // MARK: dynamics

    public static func basis(_ rows: Int, _ j: Int) -> Variable {
        var m = Matrix(rows: rows, cols: 2)
        for r in 0..<rows { m[r, j] = 1 }
        return Variable(m)
    }

    /// `[f, −div f, reg]` at (t, z). `noise` selects Hutchinson's estimator; `regularize`
    /// appends the per-sample regulariser rate λ_K‖f‖² + λ_J‖J‖²_F.
    public func dynamics(t: Double, z: Variable, noise: Matrix?, regularize: Bool, block: Int = 0) -> [Variable] {
        let n = z.rows
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

    public func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
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

    /// The adjoint method (Chen et al. 2018, §2 and Appendix B): solve forward without a tape, then solve the
    /// augmented system backwards from T to 0 with `ȧ_z = −a·∂F/∂z`, `ȧ_θ = −a·∂F/∂θ`, where
    /// F = (f, −div, reg) and each vector–Jacobian product is one reverse pass of the tape.
    func adjointLoss(_ batch: Matrix, noise: Matrix?) -> ModelLoss {
        let n = batch.rows
        // Forward through the blocks without a tape, keeping each block's output state: the
        // backward pass restarts every block from it (torchdiffeq's reset at output times).
        var outputs: [[Matrix]] = []
        var state = initialState(batch)
        var figures: Figures = [.nfeForward: 0, .stepsAccepted: 0, .stepsRejected: 0]
        for b in blocks {
            let forward = trainingSolver.solve({ t, s in
                MatrixState(self.dynamics(t: t, z: Variable(s.parts[0]), noise: noise, regularize: self.regularized, block: b).map(\.value))
            }, y0: MatrixState(state), from: 0, to: options.time)
            Self.count(forward, into: &figures)
            guard forward.result.isSuccess else {
                return ModelLoss(loss: Variable(Matrix(rows: 1, cols: 1, storage: [.nan])), figures: figures, message: forward.result.message)
            }
            state = forward.y.parts
            outputs.append(state)
        }
        let zT = state[0], deltaT = state[1]
        var lossValue = 0.0
        for r in 0..<n {
            let logN = -0.5 * Double(zT[r, 0] * zT[r, 0] + zT[r, 1] * zT[r, 1]) - log(2 * Double.pi)
            lossValue += Double(deltaT[r, 0]) - logN
        }
        lossValue /= Double(n)
        let core = state.count
        if regularized {
            let reg = state[2].sumAll() / Double(n)
            figures[.regularizer] = reg
            lossValue += reg
        }
        // ∂L/∂z(T) = z(T)/n, ∂L/∂Δ(T) = 1/n, ∂L/∂R(T) = 1/n.
        let inv = Float(1) / Float(n)
        var adjoints = [zT.map { $0 * inv }, Matrix(rows: n, cols: 1, repeating: inv)]
        if regularized { adjoints.append(Matrix(rows: n, cols: 1, repeating: inv)) }
        figures[.nfeBackward] = 0
        for b in blocks.reversed() {
            let params = nets[b].parameters
            let thetaZero = params.map { Matrix(rows: $0.value.rows, cols: $0.value.cols) }
            let start = AdjointState(values: outputs[b] + adjoints + thetaZero,
                                     normedCount: options.seminorm ? 2 * core : 2 * core + params.count)
            let backward = adjointSolver.solve({ t, s in
                self.augmentedDynamics(t: t, state: s, core: core, noise: noise, params: params, block: b)
            }, y0: start, from: options.time, to: 0)
            figures[.nfeBackward, default: 0] += Double(backward.nfe)
            guard backward.result.isSuccess else {
                return ModelLoss(loss: Variable(Matrix(rows: 1, cols: 1, storage: [.nan])), figures: figures,
                                 message: "adjoint: " + backward.result.message)
            }
            for (i, p) in params.enumerated() { p.grad = backward.y.values[2 * core + i] }
            adjoints = Array(backward.y.values[core..<(2 * core)])
        }
        return ModelLoss(loss: Variable(Matrix(rows: 1, cols: 1, storage: [Float(lossValue)])), figures: figures,
                         gradientsComputed: true)
    }

    /// The backward (adjoint) solve uses the training solver and tolerances, as torchdiffeq does.
    var adjointSolver: ODESolver { trainingSolver }

    func augmentedDynamics(t: Double, state s: AdjointState, core: Int, noise: Matrix?, params: [Variable], block: Int) -> AdjointState {
        let zLeaf = Variable(parameter: s.values[0], name: "z")
        let outs = dynamics(t: t, z: zLeaf, noise: noise, regularize: regularized, block: block)
        var seed = (outs[0] * Variable(s.values[core])).sumAll()
        for k in 1..<core { seed = seed + (outs[k] * Variable(s.values[core + k])).sumAll() }
        Gradients.zero(params)
        seed.backward()
        var derivative = outs.map(\.value)
        derivative.append((zLeaf.grad ?? Matrix(rows: zLeaf.rows, cols: 2)).map { -$0 })
        for k in 1..<core { derivative.append(Matrix(rows: s.values[k].rows, cols: 1)) }
        for p in params { derivative.append((p.grad ?? Matrix(rows: p.value.rows, cols: p.value.cols)).map { -$0 }) }
        Gradients.zero(params)
        return AdjointState(values: derivative, normedCount: s.normedCount)
    }

    // MARK: inference

    public func logDensity(_ points: Matrix) -> [Float]? {
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
                    MatrixState(self.dynamics(t: t, z: Variable(s.parts[0]), noise: nil, regularize: false, block: b).map(\.value))
                }, y0: state, from: 0, to: options.time)
                ok = sol.result.isSuccess
                state = sol.y
            }
            let z = state.parts[0], delta = state.parts[1]
            for r in 0..<x.rows {
                let logN = -0.5 * (z[r, 0] * z[r, 0] + z[r, 1] * z[r, 1]) - Float(log(2 * Double.pi))
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
                MatrixState([self.nets[b](t: t, Variable(s.parts[0]), tangents: []).f.value])
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

    public func sample(count: Int, using rng: inout Xoshiro256) -> Matrix {
        var out: [Matrix] = []
        var remaining = count
        while remaining > 0 {
            let k = min(remaining, 4096)
            out.append(transport(rng.normalMatrix(rows: k, cols: 2), solver: evaluationSolver).y.parts[0])
            remaining -= k
        }
        return Matrix.concatRows(out)
    }

    // MARK: knob and views

    public func scaleKnob(by factor: Double) -> String? {
        options.atol = min(1e-2, max(1e-8, options.atol * factor))
        options.rtol = min(1e-2, max(1e-8, options.rtol * factor))
        return String(format: "solver tolerances atol = rtol = %.1e", options.atol)
    }


    public var specialViewNames: [String] { ["Trajectories: base → data", "Vector field f(z, T/2)"] }

    public func specialView(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        if index % 2 == 0 {
            // 60 particles from the base back to the data, read at 25 times by dopri5's dense
            // output; colour = time quarter.
            let times = (0...24).map { options.time * Double(24 - $0) / 24 }
            let sol = transport(rng.normalMatrix(rows: 60, cols: 2), solver: evaluationSolver, saveAt: times)
            let path = sol.saved
            var lines: [[Point2]] = [], colors: [Int] = []
            let steps = path.count
            for p in 0..<60 {
                for q in 0..<4 {
                    let lo = q * (steps - 1) / 4, hi = (q + 1) * (steps - 1) / 4
                    guard hi > lo else { continue }
                    lines.append((lo...hi).map { Point2(Double(path[$0].y.parts[0][p, 0]), Double(path[$0].y.parts[0][p, 1])) })
                    colors.append(q)
                }
            }
            return .lines(title: specialViewNames[0], polylines: lines, colorIndex: colors)
        }
        // Arrows of −f (the direction towards the data) on a 15 × 9 grid at t = T/2.
        let grid = Evaluation.gridPoints(width: 15, height: 9, box: box * 0.9)
        let f = net(t: options.time / 2, Variable(grid), tangents: []).f.value
        var scale: Float = 0
        for r in 0..<grid.rows { scale = max(scale, (f[r, 0] * f[r, 0] + f[r, 1] * f[r, 1]).squareRoot()) }
        let len = Float(box) * 0.09 / max(scale, 1e-6)
        var lines: [[Point2]] = [], colors: [Int] = []
        for r in 0..<grid.rows {
            let (x, y) = (grid[r, 0], grid[r, 1])
            let (dx, dy) = (-f[r, 0] * len, -f[r, 1] * len)
            lines.append([Point2(Double(x), Double(y)), Point2(Double(x + dx), Double(y + dy))])
            colors.append(0)
            lines.append([Point2(Double(x + dx), Double(y + dy)), Point2(Double(x + dx), Double(y + dy))])
            colors.append(2)
        }
        return .lines(title: specialViewNames[1], polylines: lines, colorIndex: colors)
    }
}
