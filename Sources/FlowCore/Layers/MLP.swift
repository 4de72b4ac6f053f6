/// The hidden-layer nonlinearity of an `MLP`.
package enum Activation: String, Sendable, Codable, CaseIterable {
    case tanh, relu
}

/// A multilayer perceptron `in → h₁ → … → h_L → out` with an activation after every hidden
/// layer and a linear output. `zeroOutput` makes the last layer exactly zero at
/// initialisation, so a coupling layer built on it starts as the identity (Glow, §3.3).
///
/// With `sineFrequency` ω the first hidden layer is `sin(x·W + b)` with `W ~ U(±ω)` and
/// `b ~ U(±π)`: random Fourier features (Tancik et al. 2020, "Fourier features let networks
/// learn high frequency functions in low dimensional domains"; Sitzmann et al. 2020, SIREN),
/// so periodic and step-like functions of the input are reachable without first growing
/// large weights.
package struct MLP: Module {
    package let layers: [Linear]
    package let activation: Activation
    package let sineFirstLayer: Bool

    package init<G: RandomNumberGenerator>(sizes: [Int], activation: Activation, name: String,
                                          zeroOutput: Bool = false, sineFrequency: Float? = nil, using rng: inout G) {
        precondition(sizes.count >= 2, "an MLP needs input and output sizes")
        var layers: [Linear] = []
        for i in 0..<(sizes.count - 1) {
            let last = i == sizes.count - 2
            layers.append(Linear(inFeatures: sizes[i], outFeatures: sizes[i + 1], name: "\(name).\(i)",
                                 initialization: (last && zeroOutput) ? .zero : .pytorchUniform, using: &rng))
        }
        if let omega = sineFrequency, sizes.count > 2 {
            let w = layers[0].weight, b = layers[0].bias
            w.value = rng.uniformMatrix(rows: w.value.rows, cols: w.value.cols, -Double(omega), Double(omega))
            b.value = rng.uniformMatrix(rows: 1, cols: b.value.cols, -Double.pi, Double.pi)
        }
        self.layers = layers
        self.activation = activation
        sineFirstLayer = sineFrequency != nil && sizes.count > 2
    }

    package var parameters: [Variable] { layers.flatMap(\.parameters) }

    package func callAsFunction(_ x: Variable) -> Variable {
        // A sine first layer feeds the rest of the network.
        let input = sineFirstLayer ? layers[0](x).sin() : x
        let rest = sineFirstLayer ? layers.dropFirst() : layers[...]
        switch activation {
        case .tanh:
            // One tape node for the whole tanh network (`Variable.tanhMLP`).
            return Variable.tanhMLP(input, weights: rest.map(\.weight), biases: rest.map(\.bias))
        case .relu:
            var h = input
            for layer in rest.dropLast() { h = layer(h).relu() }
            return rest.last!(h)
        }
    }
}
