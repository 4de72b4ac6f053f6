import FlowCore

/// One FFJORD block as a `Bijector`, so a continuous flow composes inside a `NormalizingFlow`
/// with couplings like any other step (zuko's and nflows' view of a CNF as one more transform).
///
///     forward:  x = z(0) ↦ z(T),   log|det ∂z(T)/∂x| = ∫₀ᵀ tr ∂f/∂z dt = −Δ(T)
///     inverse:  z(T) ↦ z(0),        log|det ∂z(0)/∂z(T)| = −Δ(0), Δ integrated from T to 0
///
/// with the exact 2-D trace and no regulariser. Both directions are one adjoint tape op
/// (`CNFModel.adjointBlock`), so gradients flow through `backward()` like everywhere else.
/// `CNFModel` trains its blocks with its own loop, which adds what a bijector has no room for:
/// Hutchinson's noise, the kinetic and Jacobian regulariser, and backprop through the solver.
package final class ContinuousFlowBlock: Bijector {
    let model: CNFModel
    let block: Int
    /// Function evaluations of the last forward or inverse solve (and of its backward solves).
    package private(set) var report = AdjointReport()

    package init(_ model: CNFModel, block: Int) {
        precondition(model.blocks.contains(block), "no CNF block \(block)")
        self.model = model
        self.block = block
    }

    package var parameters: [Variable] { model.nets[block].parameters }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) { solve(x, from: 0, to: model.options.time) }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) { solve(y, from: model.options.time, to: 0) }

    /// The solve as an op; a failed solve gives NaN rows (the trainer's non-finite recovery).
    private func solve(_ input: Variable, from t0: Double, to t1: Double) -> (Variable, Variable) {
        precondition(input.cols == 2, "a CNF block maps 2-D points")
        var figures: Figures = [:]
        report = AdjointReport()
        let start = Variable.concatColumns([input, Variable(Matrix(rows: input.rows, cols: 1))])
        switch model.adjointBlock(start, block: block, noise: nil, from: t0, to: t1, figures: &figures, report: report) {
        case .success(let out):
            report.nfe += Int(figures[.nfeForward] ?? 0)
            return (out.columns(0..<2), out.column(2).scaled(by: -1))
        case .failure(let failure):
            report.failure = failure.message
            let nan = Variable(Matrix(rows: input.rows, cols: 3, repeating: .nan))
            return (nan.columns(0..<2), nan.column(2))
        }
    }
}
