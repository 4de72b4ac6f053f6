/// The hidden-layer nonlinearity of an `MLP`.
package enum Activation: String, Sendable, Codable, CaseIterable {
    case tanh, relu
}

/// A multilayer perceptron `in → h₁ → … → h_L → out` with an activation after every hidden
/// layer and a linear output. `zeroOutput` makes the last layer exactly zero at
/// initialisation, so a coupling layer built on it starts as the identity (Glow, §3.3).
package struct MLP: Module {
    package let layers: [Linear]
    package let activation: Activation

    package init<G: RandomNumberGenerator>(sizes: [Int], activation: Activation, name: String,
                                          zeroOutput: Bool = false, using rng: inout G) {
        precondition(sizes.count >= 2, "an MLP needs input and output sizes")
        var layers: [Linear] = []
        for i in 0..<(sizes.count - 1) {
            let last = i == sizes.count - 2
            layers.append(Linear(inFeatures: sizes[i], outFeatures: sizes[i + 1], name: "\(name).\(i)",
                                 initialization: (last && zeroOutput) ? .zero : .pytorchUniform, using: &rng))
        }
        self.layers = layers
        self.activation = activation
    }

    package var parameters: [Variable] { layers.flatMap(\.parameters) }

    package func callAsFunction(_ x: Variable) -> Variable {
        var h = x
        for (i, layer) in layers.enumerated() {
            if i == layers.count - 1 { return layer(h) }
            switch activation {
            case .tanh: h = Variable.linearTanh(h, layer.weight, layer.bias)
            case .relu: h = layer(h).relu()
            }
        }
        return h
    }
}
