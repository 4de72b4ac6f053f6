/// A dense layer `y = x·W + b`, `W: in×out`, `b: 1×out`.
///
/// Initialisation follows PyTorch's `nn.Linear` default: `W, b ~ U(±1/√fan_in)`;
/// `.zero` gives an exactly-zero layer (identity-initialised flows).
package struct Linear: Module {
    package enum Initialization: Sendable { case pytorchUniform, zero }

    package let weight: Variable
    package let bias: Variable

    package init<G: RandomNumberGenerator>(inFeatures: Int, outFeatures: Int, name: String,
                                          initialization: Initialization = .pytorchUniform,
                                          using rng: inout G) {
        var w = Matrix(rows: inFeatures, cols: outFeatures)
        var b = Matrix(rows: 1, cols: outFeatures)
        if initialization == .pytorchUniform {
            let bound = 1 / Double(max(inFeatures, 1)).squareRoot()
            w = rng.uniformMatrix(rows: inFeatures, cols: outFeatures, -bound, bound)
            b = rng.uniformMatrix(rows: 1, cols: outFeatures, -bound, bound)
        }
        weight = Variable(parameter: w, name: name + ".weight")
        bias = Variable(parameter: b, name: name + ".bias")
    }

    package var inFeatures: Int { weight.rows }
    package var outFeatures: Int { weight.cols }
    package var parameters: [Variable] { [weight, bias] }

    package func callAsFunction(_ x: Variable) -> Variable { Variable.linear(x, weight, bias) }

    /// Inference without building a graph.
    package func apply(_ x: Matrix) -> Matrix { Variable.affine(x, weight.value, bias.value) }
}

/// Anything with trainable parameters.
package protocol Module {
    var parameters: [Variable] { get }
}
