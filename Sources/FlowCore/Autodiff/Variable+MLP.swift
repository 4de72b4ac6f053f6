/// A whole tanh MLP as one tape node:
///
///     h₀ = x,   h_i = tanh(h_{i−1}·W_i + b_i)  (i < L),   y = h_{L−1}·W_L + b_L.
///
/// A coupling's conditioner (1 → 64 → 64 → 2) was three nodes, each with its own closure,
/// parent list, gradient list and intermediate gradient matrices; at batch 100 that bookkeeping
/// is a visible share of a Real NVP iteration (README, "Speed"). The pullback runs the same
/// kernels in the same order as the `linearTanh` and `linear` chain it replaces, so values and
/// gradients are bit for bit the chain's (`tanhMLPEqualsTheChainItFuses`):
///
///     ∂y/∂W_L = h_{L−1}ᵀ·g,   ∂/∂b_L = Σ_rows g,   g_{L−1} = g·W_Lᵀ,
///     a_i = g_i ⊙ (1 − h_i²),  ∂/∂W_i = h_{i−1}ᵀ·a_i,  ∂/∂b_i = Σ_rows a_i,  g_{i−1} = a_i·W_iᵀ.
///
/// Each a_i overwrites g_i's buffer in place.
extension Variable {
    package static func tanhMLP(_ x: Variable, weights: [Variable], biases: [Variable]) -> Variable {
        precondition(!weights.isEmpty && weights.count == biases.count, "tanhMLP: one bias per weight")
        let layers = weights.count
        // h₀ … h_{L−1}: each layer's input, kept for the pullback.
        var hidden = [x.value]
        hidden.reserveCapacity(layers)
        for i in 0..<(layers - 1) {
            var h = affine(hidden[i], weights[i].value, biases[i].value)
            h.storage.withUnsafeMutableBufferPointer { p in
                Kernels.tanh(UnsafePointer(p.baseAddress!), p.baseAddress!, count: p.count)
            }
            hidden.append(h)
        }
        let inputs = hidden
        let y = affine(inputs[layers - 1], weights[layers - 1].value, biases[layers - 1].value)
        let weightValues = weights.map(\.value)
        let parents = [Variable](unsafeUninitializedCapacity: 1 + 2 * layers) { p, count in
            p.initializeElement(at: 0, to: x)
            for i in 0..<layers {
                p.initializeElement(at: 1 + 2 * i, to: weights[i])
                p.initializeElement(at: 2 + 2 * i, to: biases[i])
            }
            count = 1 + 2 * layers
        }
        return Variable(op: .tanhMLP, value: y, parents: parents) { g in
            var grads = [Matrix?](repeating: nil, count: parents.count)
            // The gradient at layer i's output (pre-activation once tanh' is applied).
            var upstream = g
            for i in stride(from: layers - 1, through: 0, by: -1) {
                let w = weights[i], b = biases[i], input = inputs[i]
                var biasGrad: Matrix? = nil
                if i == layers - 1 {
                    if b.requiresGrad { biasGrad = upstream.sumRows() }
                } else {
                    let h = inputs[i + 1], m = h.cols
                    var sums = Matrix(rows: 1, cols: m)
                    upstream.storage.withUnsafeMutableBufferPointer { gp in
                        h.storage.withUnsafeBufferPointer { hp in
                            sums.storage.withUnsafeMutableBufferPointer { bp in
                                Kernels.tanhBackward(gp.baseAddress!, output: hp.baseAddress!, gp.baseAddress!,
                                                     columnSums: bp.baseAddress!, rows: h.rows, cols: m)
                            }
                        }
                    }
                    biasGrad = b.requiresGrad ? sums : nil
                }
                if w.requiresGrad { grads[1 + 2 * i] = input.transposedMatmul(upstream) }
                grads[2 + 2 * i] = biasGrad
                if i > 0 {
                    upstream = upstream.matmulTransposed(weightValues[i])
                } else if x.requiresGrad {
                    grads[0] = upstream.matmulTransposed(weightValues[i])
                }
            }
            return grads
        }
    }
}
