import FlowCore

/// A time-conditioned dense layer of FFJORD's ODE net (Grathwohl et al. 2019, `ConcatSquashLinear`):
///
///     concatsquash: (W h + b) ⊙ σ(w_g t + b_g) + w_b t
///     concat:       W h + w_t t + b
///     ignore:       W h + b
///
/// `apply` also pushes tangents (directional derivatives of h) through the layer:
/// `d out = (W dh) ⊙ σ(w_g t + b_g)` — forward mode by hand, as ordinary tape ops, so the
/// exact 2-D trace is first-order and its gradient needs only reverse mode.
package struct ConcatSquashLinear: Module {
    package let weight, bias, gateWeight, gateBias, timeWeight: Variable
    package let conditioning: CNFOptions.Conditioning

    package init<G: RandomNumberGenerator>(inFeatures: Int, outFeatures: Int, conditioning: CNFOptions.Conditioning,
                                          name: String, using rng: inout G) {
        let bound = 1 / Double(inFeatures).squareRoot()
        weight = Variable(parameter: rng.uniformMatrix(rows: inFeatures, cols: outFeatures, -bound, bound), name: name + ".weight")
        bias = Variable(parameter: rng.uniformMatrix(rows: 1, cols: outFeatures, -bound, bound), name: name + ".bias")
        // PyTorch's Linear(1, out) init: fan-in 1, so U(−1, 1).
        gateWeight = Variable(parameter: rng.uniformMatrix(rows: 1, cols: outFeatures, -1, 1), name: name + ".gateWeight")
        gateBias = Variable(parameter: rng.uniformMatrix(rows: 1, cols: outFeatures, -1, 1), name: name + ".gateBias")
        timeWeight = Variable(parameter: rng.uniformMatrix(rows: 1, cols: outFeatures, -1, 1), name: name + ".timeWeight")
        self.conditioning = conditioning
    }

    package var parameters: [Variable] {
        switch conditioning {
        case .concatsquash: return [weight, bias, gateWeight, gateBias, timeWeight]
        case .concat: return [weight, bias, timeWeight]
        case .ignore: return [weight, bias]
        }
    }

    /// The layer on stacked streams `[h; d₁; …]` (blocks of `blockRows` rows): one matrix
    /// product for all streams; bias and time shift reach the value block only.
    func applyStacked(t: Double, _ s: Variable, blockRows: Int) -> Variable {
        let tf = Float(t)
        let product = Variable.matmul(s, weight)
        switch conditioning {
        case .concatsquash:
            let gate = Variable.timeGate(weight: gateWeight, bias: gateBias, time: tf)
            return Variable.streamAffineGate(product, bias: bias, gate: gate, shift: timeWeight.scaled(by: tf), blockRows: blockRows)
        case .concat:
            let one = Variable(Matrix(rows: 1, cols: weight.cols, repeating: 1))
            return Variable.streamAffineGate(product, bias: bias, gate: one, shift: timeWeight.scaled(by: tf), blockRows: blockRows)
        case .ignore:
            let one = Variable(Matrix(rows: 1, cols: weight.cols, repeating: 1))
            let zero = Variable(Matrix(rows: 1, cols: weight.cols))
            return Variable.streamAffineGate(product, bias: bias, gate: one, shift: zero, blockRows: blockRows)
        }
    }

    /// `applyStacked` on plain matrices, without a tape (the same arithmetic, bit for bit).
    func applyStacked(t: Double, _ s: Matrix, blockRows: Int) -> Matrix {
        let tf = Float(t)
        let product = s.matmul(weight.value)
        let c = weight.cols
        switch conditioning {
        case .concatsquash:
            let gate = Matrix.timeGate(weight: gateWeight.value, bias: gateBias.value, time: tf)
            return product.streamAffineGate(bias: bias.value, gate: gate, shift: timeWeight.value.map { tf * $0 }, blockRows: blockRows)
        case .concat:
            return product.streamAffineGate(bias: bias.value, gate: Matrix(rows: 1, cols: c, repeating: 1),
                                            shift: timeWeight.value.map { tf * $0 }, blockRows: blockRows)
        case .ignore:
            return product.streamAffineGate(bias: bias.value, gate: Matrix(rows: 1, cols: c, repeating: 1),
                                            shift: Matrix(rows: 1, cols: c), blockRows: blockRows)
        }
    }

    /// The layer output and the pushed-forward tangents (unfused reference form).
    package func apply(t: Double, _ h: Variable, tangents: [Variable]) -> (Variable, [Variable]) {
        let tf = Float(t)
        let linear = Variable.linear(h, weight, bias)
        switch conditioning {
        case .concatsquash:
            let gate = (gateWeight.scaled(by: tf) + gateBias).sigmoid()
            let out = linear * gate + timeWeight.scaled(by: tf)
            return (out, tangents.map { Variable.matmul($0, weight) * gate })
        case .concat:
            return (linear + timeWeight.scaled(by: tf), tangents.map { Variable.matmul($0, weight) })
        case .ignore:
            return (linear, tangents.map { Variable.matmul($0, weight) })
        }
    }
}
