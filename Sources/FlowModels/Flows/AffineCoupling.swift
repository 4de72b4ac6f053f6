import FlowCore

/// Real NVP affine coupling for 2-D points (Dinh, Sohl-Dickstein & Bengio 2017):
///
///     y_c = x_c,   y_t = x_t · exp(s(x_c)) + t(x_c),   log|det| = s(x_c)
///
/// where c is the conditioning coordinate, t the transformed one, and `(s, t)` come from one
/// MLP `1 → hidden → 2`. The log-scale is bounded, `s = B·tanh(ŝ/B)`, so exp(s) cannot
/// overflow; the last layer starts at zero so the layer starts as the identity.
package final class AffineCoupling: Bijector {
    package let conditionIndex: Int
    package let net: MLP
    package let scaleBound: Float

    package init<G: RandomNumberGenerator>(conditionIndex: Int, hidden: [Int], activation: Activation,
                                          scaleBound: Float, name: String, using rng: inout G) {
        precondition(conditionIndex == 0 || conditionIndex == 1)
        self.conditionIndex = conditionIndex
        self.scaleBound = scaleBound
        net = MLP(sizes: [1] + hidden + [2], activation: activation, name: name + ".net", zeroOutput: true, using: &rng)
    }

    package var parameters: [Variable] { net.parameters }

    private func scaleShift(_ xc: Variable) -> (s: Variable, t: Variable) {
        let h = net(xc)
        return (h.column(0).softClamped(scaleBound), h.column(1))
    }

    private func assemble(conditioner: Variable, transformed: Variable) -> Variable {
        conditionIndex == 0 ? Variable.concatColumns([conditioner, transformed])
                            : Variable.concatColumns([transformed, conditioner])
    }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        let xc = x.column(conditionIndex), xt = x.column(1 - conditionIndex)
        let (s, t) = scaleShift(xc)
        return (assemble(conditioner: xc, transformed: xt * s.exp() + t), s)
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        let yc = y.column(conditionIndex), yt = y.column(1 - conditionIndex)
        let (s, t) = scaleShift(yc)
        return (assemble(conditioner: yc, transformed: (yt - t) * (-s).exp()), -s)
    }
}
