import FlowCore
import FlowData

/// A discrete flow with a standard normal base: `realnvp` (alternating affine couplings),
/// `glow` (ActNorm → invertible 2×2 → affine coupling per step) and `nsf` (spline couplings)
/// differ only in the steps their descriptors build.
///
/// Trained by maximum likelihood on samples, or by annealed reverse KL on energy targets
/// (Rezende & Mohamed 2015): `E_z[log q(x) + β_t U(x)]`, `x = f⁻¹(z)`.
package final class CouplingFlowModel: GenerativeModel, ModelInspection {
    package let config: ModelConfig
    package let flow: NormalizingFlow

    package init(config: ModelConfig, steps: [any Bijector]) {
        self.config = config
        flow = NormalizingFlow(steps)
    }

    /// Real NVP's steps, with Glow's actnorm and 2×2 mixing before each coupling when `glow`.
    static func couplingSteps(_ config: ModelConfig, glow: Bool) -> [any Bijector] {
        var rng = Xoshiro256(seed: config.seed)
        var steps: [any Bijector] = []
        for k in 0..<config.layers {
            if glow {
                steps.append(ActNorm(name: "step\(k).actnorm"))
                steps.append(InvertibleLinear2D(swap: k % 2 == 1, name: "step\(k).linear"))
            }
            steps.append(AffineCoupling(conditionIndex: k % 2, hidden: config.hidden, activation: config.activation,
                                        scaleBound: config.scaleBound, name: "step\(k).coupling", using: &rng))
        }
        return steps
    }

    package var parameters: [Variable] { flow.parameters }

    package func prepare(with batch: Matrix) { flow.transform.initialize(with: batch) }

    package func didLoadParameters() {
        for case let a as ActNorm in flow.transform.steps { a.markInitialized() }
    }

    package func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
        if case .energy(let target) = dataset {
            let beta = ReverseKL.annealing(iteration: iteration, iterations: config.iterations)
            let z = Variable(rng.normalMatrix(rows: batch.rows, cols: 2))
            let (x, logq) = flow.sampleWithLogProb(z)
            let u = x.energy(target)
            let loss = (logq + u.scaled(by: Float(beta))).mean()
            return ModelLoss(loss: loss, figures: [.beta: beta])
        }
        return ModelLoss(loss: -flow.logProb(Variable(batch)).mean())
    }

    package func sample(count: Int, using rng: inout Xoshiro256) -> Matrix {
        flow.transform.inverse(Variable(rng.normalMatrix(rows: count, cols: 2))).x.value
    }

    package func logDensity(_ points: Matrix) -> [Float]? {
        points.mapRowChunks { flow.logProb(Variable($0)).value.storage }
    }

    package var views: [ModelView] { [ModelView("Transport: base grid → data", .transport), ModelView("Latent: data → base", .latent)] }

    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        switch index % views.count {
        case 0:
            return WarpedGrid.view(title: views[0].title) { z in flow.transform.inverse(Variable(z)).x.value }
        default:
            // Where the data lands in the base space: it should look like N(0, I).
            let z = flow.transform.forward(Variable(data)).y.value
            return .points(title: views[1].title, points: z.points)
        }
    }
}
