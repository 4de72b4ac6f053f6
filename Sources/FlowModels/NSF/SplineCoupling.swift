import FlowCore

/// A rational-quadratic spline coupling for 2-D points (Durkan et al. 2019, §3.2):
///
///     y_c = x_c,   y_t = g_θ(x_c)(x_t),   log|det| = log g′_θ(x_c)(x_t)
///
/// where the spline's `3K − 1` parameters θ come from an MLP `1 → hidden → 3K − 1` of the
/// conditioning coordinate. The last layer starts at zero, so the layer starts as the identity.
package final class SplineCoupling: Bijector {
    package let conditionIndex: Int
    package let net: MLP
    package let spline: RationalQuadraticSpline

    package init<G: RandomNumberGenerator>(conditionIndex: Int, spline: RationalQuadraticSpline, hidden: [Int],
                                          activation: Activation, name: String, using rng: inout G) {
        precondition(conditionIndex == 0 || conditionIndex == 1)
        self.conditionIndex = conditionIndex
        self.spline = spline
        net = MLP(sizes: [1] + hidden + [spline.parameterCount], activation: activation,
                  name: name + ".net", zeroOutput: true, using: &rng)
    }

    package var parameters: [Variable] { net.parameters }

    private func assemble(conditioner: Variable, transformed: Variable) -> Variable {
        conditionIndex == 0 ? Variable.concatColumns([conditioner, transformed])
                            : Variable.concatColumns([transformed, conditioner])
    }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        let xc = x.column(conditionIndex)
        let (yt, ld) = spline.forward(x.column(1 - conditionIndex), parameters: net(xc))
        return (assemble(conditioner: xc, transformed: yt), ld)
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        let yc = y.column(conditionIndex)
        let (xt, ld) = spline.inverse(y.column(1 - conditionIndex), parameters: net(yc))
        return (assemble(conditioner: yc, transformed: xt), ld)
    }
}
