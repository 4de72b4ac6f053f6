#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData

/// Generative latent flow (Xiao, Yan & Amit 2019): a deterministic autoencoder E, G and a
/// normalizing flow F on its codes, trained in one stage on
///
///     L = β·‖x − G(E(x))‖² + NLL_F(sg[E(x)]),   NLL_F(z) = −log N(F(z)) − log|det ∂F/∂z|,
///
/// with the NLL's gradient stopped at the codes (β multiplies the reconstruction, the authors'
/// convention). Without the stop-gradient ("regularised GLF") the codes shrink and the NLL runs
/// to −∞ (Xiao, Yan & Amit 2019, §3.2). Samples: ε ~ N(0, I) → F⁻¹ → G. The data density is
/// not tractable.
package final class GLFModel: GenerativeModel, ModelInspection {
    package let config: ModelConfig
    package private(set) var options: GLFOptions
    package let encoder: MLP
    package let decoder: MLP
    package let flow: NormalizingFlow

    package init(config: ModelConfig) throws {
        let o = config.glf ?? GLFOptions()
        guard o.latent == 1 || o.latent == 2 else { throw ModelError("--latent must be 1 or 2") }
        guard o.beta > 0, o.codeNoise >= 0 else { throw ModelError("--beta must be positive and --code-noise non-negative") }
        guard o.splineCouplings >= 0 else { throw ModelError("--spline-couplings must be >= 0, got \(o.splineCouplings)") }
        guard o.autoencoderRateScale > 0, o.autoencoderRateScale.isFinite else { throw ModelError("the autoencoder's rate scale must be positive") }
        self.config = config
        self.options = o
        var rng = Xoshiro256(seed: config.seed)
        encoder = MLP(sizes: [2] + config.hidden + [o.latent], activation: config.activation, name: "encoder", using: &rng)
        decoder = MLP(sizes: [o.latent] + config.hidden + [2], activation: config.activation, name: "decoder", using: &rng)
        // The latent flow's depth is `--layers`: for d = 2 couplings, `splineCouplings` of them
        // rational-quadratic splines (Durkan et al. 2019) placed at the two ends, codes' side
        // first, the rest affine; for d = 1 monotone splines, each followed by an element-wise
        // affine map.
        var steps: [any Bijector] = [ElementwiseAffine(dimension: o.latent, name: "flow.affine")]
        let splines = min(o.splineCouplings, config.layers)  // all of them when --layers is smaller
        for k in 0..<config.layers {
            if o.latent == 2 && (k < (splines + 1) / 2 || k >= config.layers - splines / 2) {
                steps.append(SplineCoupling(conditionIndex: k % 2, spline: RationalQuadraticSpline(bins: SplineFlowModel.bins, bound: SplineFlowModel.tailBound),
                                            hidden: [64, 64], activation: .tanh, name: "flow.spline\(k)", using: &rng))
            } else if o.latent == 2 {
                steps.append(AffineCoupling(conditionIndex: k % 2, hidden: [64, 64], activation: .tanh, scaleBound: config.scaleBound,
                                            name: "flow.coupling\(k)", using: &rng))
            } else {
                steps.append(MonotoneSpline(bins: o.splineBins, name: "flow.spline\(k)"))
                steps.append(ElementwiseAffine(dimension: 1, name: "flow.affine\(k + 1)"))
            }
        }
        flow = NormalizingFlow(steps)
    }

    package var parameters: [Variable] { encoder.parameters + decoder.parameters + flow.parameters }

    /// The model's rate (`--lr`) is the latent flow's; the autoencoder's is
    /// `autoencoderRateScale` times it. One rate for both leaves the flow slow (GLFTests).
    package var learningRateScales: [Float]? {
        let ae = encoder.parameters.count + decoder.parameters.count
        return [Float](repeating: Float(options.autoencoderRateScale), count: ae) + [Float](repeating: 1, count: flow.parameters.count)
    }

    /// Data-dependent initialisation of the flow's first element-wise map (as Glow's ActNorm,
    /// Kingma & Dhariwal 2018, §3.1): the first batch's codes enter the couplings standardised,
    /// whatever scale the freshly initialised encoder gives them (the splines' bins span ±5).
    package func prepare(with batch: Matrix) {
        guard let first = flow.transform.steps.first as? ElementwiseAffine else { return }
        let z = encoder(Variable(batch)).value
        for d in 0..<z.cols {
            var mean = 0.0, sq = 0.0
            for r in 0..<z.rows { mean += Double(z[r, d]) }
            mean /= Double(z.rows)
            for r in 0..<z.rows { sq += (Double(z[r, d]) - mean) * (Double(z[r, d]) - mean) }
            first.shift.value[0, d] = Float(-mean)
            first.logScale.value[0, d] = Float(-log(max((sq / Double(z.rows)).squareRoot(), 1e-6)))
        }
    }
    package func didLoadParameters() {}

    package func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
        let x = Variable(dataset.isEnergy ? dataset.sample(count: batch.rows, using: &rng) : batch)
        let z = encoder(x)
        let recon = (decoder(z) - x).square().sumCols().mean()
        var codes = options.stopGradient ? Variable(z.value) : z
        if options.codeNoise > 0 {
            codes = codes + Variable(rng.normalMatrix(rows: z.rows, cols: z.cols).map { $0 * Float(self.options.codeNoise) })
        }
        let (eps, logDet) = flow.transform.forward(codes)
        let nll = -(NormalizingFlow.standardNormalLogProb(eps) + logDet).mean()
        let loss = recon.scaled(by: Float(options.beta)) + nll
        var norm = 0.0
        for r in 0..<z.rows { norm += (0..<z.cols).reduce(0.0) { $0 + Double(z.value[r, $1] * z.value[r, $1]) }.squareRoot() }
        return ModelLoss(loss: loss, figures: [
            .reconMSE: Double(recon.scalar), .codeNLL: Double(nll.scalar),
            .meanCodeNorm: norm / Double(z.rows), .meanLogDet: Double(logDet.mean().scalar),
        ])
    }

    /// Latent samples z = F⁻¹(ε), ε ~ N(0, T² I).
    package func latentSamples(count: Int, using rng: inout Xoshiro256) -> Matrix {
        let t = Float(options.temperature)
        let eps = rng.normalMatrix(rows: count, cols: options.latent).map { t * $0 }
        return flow.transform.inverse(Variable(eps)).x.value
    }

    package func sample(count: Int, using rng: inout Xoshiro256) -> Matrix {
        decoder(Variable(latentSamples(count: count, using: &rng))).value
    }

    package func logDensity(_ points: Matrix) -> [Float]? { nil }

    /// Reconstruction error and code scale on held-out points, for the JSON line.
    package func reportFigures(dataset: Dataset) -> Figures {
        let x = dataset.testPoints()
        let z = encoder(Variable(x)).value
        let recon = (decoder(Variable(z)).value - x).squaredNorm() / Double(x.rows)
        var norm = 0.0
        for r in 0..<z.rows { norm += (0..<z.cols).reduce(0.0) { $0 + Double(z[r, $1] * z[r, $1]) }.squareRoot() }
        // Which half fails: the autoencoder (the reconstructions of the very points the
        // samples are compared with, so two-sample noise does not enter its floor) or the flow
        // (its latent samples against those points' codes). Fixed seeds, as for
        // `energy_distance`.
        let n = Evaluation.energyDistanceCount
        var dataRNG = Xoshiro256(seed: Evaluation.energyDistanceSeed &+ 1)
        var reference = dataset.sample(count: n, using: &dataRNG)
        if case .csv(let c) = dataset { reference = c.test }
        let reconstructed = decoder(encoder(Variable(reference))).value
        var rng = Xoshiro256(seed: Evaluation.energyDistanceSeed)
        let latent = latentSamples(count: n, using: &rng)
        let codes = encoder(Variable(reference)).value
        return [.reconMSE: recon, .meanCodeNorm: norm / Double(z.rows),
                .reconEnergyDistance: Evaluation.energyDistance(reconstructed, reference),
                .latentEnergyDistance: Evaluation.energyDistance(latent, codes)]
    }

    // MARK: toggles and views

    package var modelSwitch: ModelSwitch? {
        ModelSwitch(label: "Stop-grd", name: "stop-gradient", isOn: options.stopGradient, on: "on (GLF)",
                    off: "off (regularised GLF: codes shrink; a larger --beta only slows it)")
    }

    package func setSwitch(_ on: Bool) { options.stopGradient = on }

    /// The knob is the sampling temperature, not β: with the stop-gradient on (the default)
    /// the autoencoder sees only β·recon and the flow only the NLL, and Adam's per-coordinate
    /// normalisation cancels a constant factor, so β changes nothing there. T changes the
    /// samples at once in either mode: below 1 they keep to the modes, above 1 the flow's
    /// bridges and tails show. β stays a training option (`--beta`).
    package var knob: ModelKnob? {
        ModelKnob(label: "Temp", name: "sampling temperature T (ε ~ N(0, T²I); < 1 keeps samples on the modes)",
                  value: options.temperature, range: 0.0625...4, format: "%.3g")
    }

    package func setKnob(_ value: Double) { options.temperature = value }

    package var views: [ModelView] {
        [ModelView("Latent: codes E(x) (dots) over the flow's samples F⁻¹(ε) (heat)", .latent),
         ModelView("Latent: F(E(x)) vs N(0, I)", .latent),
         ModelView("Latent: codes E(x) over the flow density", .latent)]
    }

    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        let z = encoder(Variable(data)).value
        let d = options.latent
        func point(_ m: Matrix, _ r: Int) -> Point2 { Point2(Double(m[r, 0]), d == 2 ? Double(m[r, 1]) : 0) }
        let i = index % views.count
        if i == 1 {
            let eps = flow.transform.forward(Variable(z)).y.value
            return .points(title: views[1].title, points: (0..<eps.rows).map { point(eps, $0) })
        }
        if i == 0 {
            // Where the flow's latent samples land (a log histogram), with the codes on top:
            // heat without dots is latent mass the decoder never saw — the bridges.
            let (w, h) = (64, 32)
            let s = latentSamples(count: 4000, using: &rng)
            var counts = [Double](repeating: 0, count: w * h)
            for r in 0..<s.rows {
                let u = (Double(s[r, 0]) + box) / (2 * box), v = d == 2 ? (box - Double(s[r, 1])) / (2 * box) : 0.5
                guard u >= 0, u < 1, v >= 0, v < 1 else { continue }
                counts[Int(v * Double(h)) * w + Int(u * Double(w))] += 1
            }
            return .field(title: views[0].title, width: w, height: h,
                          logValues: counts.map { $0 > 0 ? log($0) : -.infinity }, points: (0..<z.rows).map { point(z, $0) })
        }
        // The flow's density on the latent plane (for d = 1, a function of the first axis).
        let (w, h) = (64, 32)
        let grid = Evaluation.gridPoints(width: w, height: h, box: box)
        let g = d == 2 ? grid : grid.column(0)
        let lp = (NormalizingFlow.standardNormalLogProb(flow.transform.forward(Variable(g)).y) + flow.transform.forward(Variable(g)).logAbsDet).value
        return .field(title: views[2].title, width: w, height: h, logValues: lp.storage.map(Double.init),
                      points: (0..<z.rows).map { point(z, $0) })
    }
}
