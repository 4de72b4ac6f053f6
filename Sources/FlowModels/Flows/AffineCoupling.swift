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

    /// The head `(ŝ, t)` from the conditioning column; its last layer is zero at initialisation.
    private func head(_ x: Variable) -> Variable { net(x.column(conditionIndex)) }

    // The element-wise part is one fused tape node each for y and log|det|
    // (`Variable.affineCoupling`, gradient-checked in FlowCore).
    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        Variable.affineCoupling(x, head: head(x), transformed: 1 - conditionIndex, bound: scaleBound, inverse: false)
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        let (x, logAbsDet) = Variable.affineCoupling(y, head: head(y), transformed: 1 - conditionIndex,
                                                     bound: scaleBound, inverse: true)
        return (x, logAbsDet)
    }
}
