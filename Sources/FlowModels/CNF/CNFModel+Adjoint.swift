#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData
import FlowODE

extension CNFModel {
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
            let logN = standardNormalLogDensity2D(Double(zT[r, 0]), Double(zT[r, 1]))
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
}
