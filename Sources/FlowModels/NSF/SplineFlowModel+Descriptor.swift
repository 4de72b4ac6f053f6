import FlowCore
import FlowData

extension ModelKind {
    package static let nsf = ModelKind(id: "nsf")
}

/// Neural spline flows: alternating rational-quadratic spline couplings with 8 bins on
/// [−5, 5] (identity outside), built on the shared coupling-flow model.
package enum SplineFlowModel {
    package static let bins = 8
    static let tailBound: Float = 5

    static let descriptor = ModelDescriptor(
        kind: .nsf, title: "NSF (rational-quadratic splines)",
        configure: { c, _ in
            c.layers = 4
            c.learningRate = 3e-3
            c.iterations = 3000
        },
        build: { config in
            var rng = Xoshiro256(seed: config.seed)
            let spline = RationalQuadraticSpline(bins: bins, bound: tailBound)
            let steps: [any Bijector] = (0..<config.layers).map { k in
                SplineCoupling(conditionIndex: k % 2, spline: spline, hidden: config.hidden,
                               activation: config.activation, name: "step\(k).spline", using: &rng)
            }
            return CouplingFlowModel(config: config, steps: steps)
        })
}
