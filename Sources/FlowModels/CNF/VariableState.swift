import FlowCore
import FlowODE

/// An ODE state of tape variables: solving with it records every stage on the tape, so one
/// `backward()` differentiates through the solver (discretise-then-optimise).
struct VariableState: ODEState {
    var vars: [Variable]

    func adding(_ terms: [(Double, VariableState)]) -> VariableState {
        var out = vars
        for i in out.indices {
            for (c, t) in terms where c != 0 { out[i] = out[i] + t.vars[i].scaled(by: Float(c)) }
        }
        return VariableState(vars: out)
    }

    var parts: [Matrix] { vars.map(\.value) }
}

/// The adjoint method's augmented state `[z, Δ, R, a_z, a_Δ, a_R, a_θ…]`. With `seminorm`,
/// the parameter adjoints are left out of the error norm.
struct AdjointState: ODEState {
    var values: [Matrix]
    var normedCount: Int

    func adding(_ terms: [(Double, AdjointState)]) -> AdjointState {
        let sum = MatrixState(values).adding(terms.map { ($0.0, MatrixState($0.1.values)) })
        return AdjointState(values: sum.parts, normedCount: normedCount)
    }

    var parts: [Matrix] { Array(values.prefix(normedCount)) }
}
