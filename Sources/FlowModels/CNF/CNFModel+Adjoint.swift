#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData
import FlowODE

extension CNFModel {
    /// The adjoint method (Chen et al. 2018, §2 and Appendix B). Each block's solve is one
    /// tape op: its forward pass integrates without a tape from t = 0 to T; its pullback
    /// integrates the augmented system backwards from the block's output state (torchdiffeq's
    /// reset at output times) with `ȧ_z = −a·∂F/∂z`, `ȧ_θ = −a·∂F/∂θ` for F = (f, −div, reg),
    /// and returns the adjoint at t = 0 for the block's input and ∫ a·∂F/∂θ dt for its
    /// parameters. Blocks chain like any other ops, so the trainer only calls `backward()`.
    func adjointLoss(_ batch: Matrix, noise: Matrix?) -> ModelLoss {
        var figures: Figures = [.nfeForward: 0, .stepsAccepted: 0, .stepsRejected: 0]
        let report = AdjointReport()
        var state = Variable(Matrix.concatColumns(initialState(batch)))
        for b in blocks {
            switch adjointBlock(state, block: b, noise: noise, from: 0, to: options.time, figures: &figures, report: report) {
            case .success(let out): state = out
            case .failure(let failure):
                return ModelLoss(loss: Variable(Matrix(rows: 1, cols: 1, storage: [.nan])), figures: figures, message: failure.message)
            }
        }
        let z = state.columns(0..<2), delta = state.column(2)
        var loss = (delta - NormalizingFlow.standardNormalLogProb(z)).mean()
        if regularized {
            let r = state.column(3).mean()
            figures[.regularizer] = Double(r.scalar)
            loss = loss + r
        }
        return ModelLoss(loss: loss, figures: figures) { ([.nfeBackward: Double(report.nfe)], report.failure) }
    }

    /// Why a forward solve failed.
    struct SolveFailure: Error { let message: String }

    /// The columns of a stacked state `[z | Δ | R]` as the solver's parts.
    static func parts(_ m: Matrix) -> [Matrix] {
        [Matrix.concatColumns([m.column(0), m.column(1)])] + (2..<m.cols).map { m.column($0) }
    }

    /// One block from t₀ to t₁ (either way) as a tape op on the stacked state `[z | Δ]`, or
    /// `[z | Δ | R]` with the regulariser's column (n × 3 or 4).
    func adjointBlock(_ input: Variable, block b: Int, noise: Matrix?, from t0: Double, to t1: Double,
                      figures: inout Figures, report: AdjointReport) -> Result<Variable, SolveFailure> {
        let regularize = input.cols == 4
        let forward = trainingSolver.solve({ t, s in
            MatrixState(self.dynamicsValues(t: t, z: s.parts[0], noise: noise, regularize: regularize, block: b))
        }, y0: MatrixState(Self.parts(input.value)), from: t0, to: t1)
        Self.count(forward, into: &figures)
        guard forward.result.isSuccess else { return .failure(SolveFailure(message: forward.result.message)) }
        let output = forward.y.parts
        let params = nets[b].parameters
        let core = output.count
        return .success(Variable(op: .custom, value: Matrix.concatColumns(output), parents: [input] + params) { g in
            let thetaZero = params.map { Matrix(rows: $0.value.rows, cols: $0.value.cols) }
            let start = AdjointState(values: output + Self.parts(g) + thetaZero,
                                     normedCount: self.options.seminorm ? 2 * core : 2 * core + params.count)
            let backward = self.adjointSolver.solve({ t, s in
                self.augmentedDynamics(t: t, state: s, core: core, noise: noise, params: params, block: b)
            }, y0: start, from: t1, to: t0)
            report.nfe += backward.nfe
            guard backward.result.isSuccess else {
                // Non-finite gradients: the trainer restores the last good parameters and says why.
                report.failure = "adjoint: " + backward.result.message
                return [g.map { _ in .nan }] + params.map { $0.value.map { _ in .nan } }
            }
            return [Matrix.concatColumns(Array(backward.y.values[core..<(2 * core)]))] + Array(backward.y.values[(2 * core)...])
        })
    }

    /// The backward (adjoint) solve uses the training solver and tolerances, as torchdiffeq does.
    var adjointSolver: ODESolver { trainingSolver }

    func augmentedDynamics(t: Double, state s: AdjointState, core: Int, noise: Matrix?, params: [Variable], block: Int) -> AdjointState {
        let zLeaf = Variable(parameter: s.values[0], name: "z")
        let outs = dynamics(t: t, z: zLeaf, noise: noise, regularize: core == 3, block: block)
        // a·∂F/∂(z, θ): F's parts side by side, seeded with the adjoint's (one node where a
        // product, a sum and an add per part built the scalar a·F; the same gradients).
        Gradients.zero(params)
        Variable.concatColumns(outs).backward(seed: Matrix.concatColumns(Array(s.values[core..<(2 * core)])))
        /// −∂(a·F)/∂v, negated in place: the gradient is taken from the node (which is left
        /// without one), so its storage is not copied.
        func negatedGradient(_ v: Variable) -> Matrix {
            var d = v.grad ?? Matrix(rows: v.rows, cols: v.cols)
            v.grad = nil
            d.scale(by: -1)
            return d
        }
        var derivative = outs.map(\.value)
        derivative.append(negatedGradient(zLeaf))
        for k in 1..<core { derivative.append(Matrix(rows: s.values[k].rows, cols: 1)) }
        for p in params { derivative.append(negatedGradient(p)) }
        return AdjointState(values: derivative, normedCount: s.normedCount)
    }
}

/// What the adjoint pullbacks found while `backward()` ran: their function evaluations and a
/// failed solve, reported with the step.
package final class AdjointReport {
    package var nfe = 0
    package var failure: String?
}
