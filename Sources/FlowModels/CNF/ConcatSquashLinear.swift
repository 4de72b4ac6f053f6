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
        let tf = Float(t), c = weight.cols
        let (gate, shift): (Variable, Variable)
        switch conditioning {
        case .concatsquash: (gate, shift) = (Variable.timeGate(weight: gateWeight, bias: gateBias, time: tf), timeWeight.scaled(by: tf))
        case .concat: (gate, shift) = (Variable(Matrix(rows: 1, cols: c, repeating: 1)), timeWeight.scaled(by: tf))
        case .ignore: (gate, shift) = (Variable(Matrix(rows: 1, cols: c, repeating: 1)), Variable(Matrix(rows: 1, cols: c)))
        }
        return Variable.streamAffineGate(Variable.matmul(s, weight), bias: bias, gate: gate, shift: shift, blockRows: blockRows)
    }

    /// `applyStacked` on plain matrices, without a tape (the same arithmetic, bit for bit).
    func applyStacked(t: Double, _ s: Matrix, blockRows: Int) -> Matrix {
        let tf = Float(t), c = weight.cols
        let (gate, shift): (Matrix, Matrix)
        switch conditioning {
        case .concatsquash:
            (gate, shift) = (Matrix.timeGate(weight: gateWeight.value, bias: gateBias.value, time: tf), timeWeight.value.map { tf * $0 })
        case .concat: (gate, shift) = (Matrix(rows: 1, cols: c, repeating: 1), timeWeight.value.map { tf * $0 })
        case .ignore: (gate, shift) = (Matrix(rows: 1, cols: c, repeating: 1), Matrix(rows: 1, cols: c))
        }
        return s.matmul(weight.value).streamAffineGate(bias: bias.value, gate: gate, shift: shift, blockRows: blockRows)
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
