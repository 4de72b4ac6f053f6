#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData

/// RAD (Dinh, Sohl-Dickstein, Larochelle & Pascanu 2019): a flow of piecewise-invertible
/// layers with a discrete latent per layer,
///
///     log p(x) = log N(z; 0, I) + Σ_ℓ [log|f'_ℓ| + log p_ℓ(k_ℓ | z_a, x_p)] + Σ log|det| (affine steps),
///
/// exact ancestral sampling (z, then each layer's k, then the piece's inverse) and exact
/// inference of (z, k). An ActNorm standardises the data first; affine couplings may be
/// interleaved between RAD layers.
package final class RADModel: GenerativeModel, ModelInspection {
    enum Step {
        case bijector(any Bijector)
        case rad(RADCoupling)
    }

    package let config: ModelConfig
    package let options: RADOptions
    let steps: [Step]

    package init(config: ModelConfig) throws {
        let o = config.rad ?? RADOptions()
        guard o.pieces >= 3, o.pieces % 2 == 1, o.pieces <= 15 else {
            throw ModelError("RAD needs an odd number of pieces between 3 and 15, got \(o.pieces)")
        }
        guard o.trailingAffine >= 0, o.trailingAffine <= 64 else { throw ModelError("RAD's trailing affine couplings must be between 0 and 64, got \(o.trailingAffine)") }
        guard o.foldWidth.isFinite, o.foldWidth > 0 else { throw ModelError("RAD's fold width must be a positive number, got \(o.foldWidth)") }
        guard o.gateRateScale.isFinite, o.gateRateScale > 0 else { throw ModelError("RAD's gate rate scale must be a positive number, got \(o.gateRateScale)") }
        guard o.gateSine.isFinite, o.gateSine >= 0 else { throw ModelError("RAD's gate sine frequency must be a non-negative number, got \(o.gateSine)") }
        guard o.boundaryBandwidth.isFinite, o.boundaryBandwidth >= 0 else {
            throw ModelError("RAD's boundary bandwidth must be a non-negative number, got \(o.boundaryBandwidth)")
        }
        self.config = config
        self.options = o
        var rng = Xoshiro256(seed: config.seed)
        var s: [Step] = [.bijector(ActNorm(name: "actnorm"))]
        for l in 0..<config.layers {
            s.append(.rad(RADCoupling(activeIndex: l % 2, pieces: o.pieces, hidden: config.hidden, gateHidden: o.gateHidden,
                                      activation: config.activation, gateSine: o.gateSine, foldWidth: o.foldWidth, name: "rad\(l)", using: &rng)))
            if o.interleaveAffine {
                s.append(.bijector(AffineCoupling(conditionIndex: l % 2, hidden: config.hidden, activation: config.activation,
                                                  scaleBound: config.scaleBound, name: "affine\(l)", using: &rng)))
            }
        }
        for j in 0..<o.trailingAffine {
            let l = config.layers + j
            s.append(.bijector(AffineCoupling(conditionIndex: l % 2, hidden: config.hidden, activation: config.activation,
                                              scaleBound: config.scaleBound, name: "affine\(l)", using: &rng)))
        }
        steps = s
    }

    package var parameters: [Variable] {
        steps.flatMap { step -> [Variable] in
            switch step {
            case .bijector(let b): return b.parameters
            case .rad(let r): return r.parameters
            }
        }
    }

    var radLayers: [RADCoupling] { steps.compactMap { if case .rad(let r) = $0 { return r } else { return nil } } }

    package func prepare(with batch: Matrix) {
        if case .bijector(let b) = steps[0] { b.initialize(with: batch) }
    }

    /// The gates learn at `gateRateScale` times the model's rate (`RADOptions`).
    package var learningRateScales: [Float]? {
        guard options.gateRateScale != 1 else { return nil }
        return steps.flatMap { step -> [Float] in
            switch step {
            case .bijector(let b): return [Float](repeating: 1, count: b.parameters.count)
            case .rad(let r):
                return [Float](repeating: 1, count: r.conditioner.parameters.count)
                    + [Float](repeating: options.gateRateScale, count: r.gate.parameters.count)
            }
        }
    }

    package func didLoadParameters() {
        if case .bijector(let b as ActNorm) = steps[0] { b.markInitialized() }
    }

    /// Log-density (n × 1), the pieces per RAD layer, and the mean gate entropy.
    func logProb(_ x: Variable, training: Bool = false) -> (logp: Variable, pieces: [[Int]], gateEntropy: Double) {
        var h = x
        var total: Variable? = nil
        var pieces: [[Int]] = []
        var entropy = 0.0
        for step in steps {
            switch step {
            case .bijector(let b):
                let (y, ld) = b.forward(h)
                h = y
                total = total.map { $0 + ld } ?? ld
            case .rad(let r):
                let out = r.forward(h, boundaryBandwidth: training ? options.boundaryBandwidth : nil)
                h = out.z
                total = total.map { $0 + out.logDensity } ?? out.logDensity
                pieces.append(out.pieces)
                entropy += out.gateEntropy
            }
        }
        return (NormalizingFlow.standardNormalLogProb(h) + total!, pieces, entropy / Double(max(radLayers.count, 1)))
    }

    package func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
        if dataset.isEnergy {
            // Piece selection is discrete, so reverse KL through samples has no pathwise gradient
            // for the gate; fit energy targets by maximum likelihood on quadrature samples instead.
            let r = logProb(Variable(dataset.sample(count: batch.rows, using: &rng)))
            return ModelLoss(loss: -r.logp.mean(), figures: [.gateEntropy: r.gateEntropy],
                             message: iteration == 0 ? "rad fits energy targets by maximum likelihood on exact quadrature samples" : nil)
        }
        let r = logProb(Variable(batch), training: true)
        return ModelLoss(loss: -r.logp.mean(), figures: [.gateEntropy: r.gateEntropy])
    }

    package func logDensity(_ points: Matrix) -> [Float]? {
        points.mapRowChunks { logProb(Variable($0)).logp.value.storage }
    }

    package func sample(count: Int, using rng: inout Xoshiro256) -> Matrix {
        var h = rng.normalMatrix(rows: count, cols: 2)
        for step in steps.reversed() {
            switch step {
            case .bijector(let b): h = b.inverse(Variable(h)).x.value
            case .rad(let r): h = r.inverse(h, using: &rng)
            }
        }
        return h
    }

    /// Each point's discrete latent: per-layer pieces combined as Σ_ℓ k_ℓ·K^ℓ (`layer` nil),
    /// or one layer's piece.
    package func regions(_ points: Matrix, layer: Int? = nil) -> [Int] {
        var codes = [Int](repeating: 0, count: points.rows)
        var start = 0
        while start < points.rows {
            let end = min(points.rows, start + 4096)
            let pieces = logProb(Variable(points.rows(start..<end))).pieces
            for r in 0..<(end - start) {
                if let layer {
                    codes[start + r] = pieces[min(layer, pieces.count - 1)][r]
                } else {
                    var code = 0, base = 1
                    for l in 0..<pieces.count { code += pieces[l][r] * base; base *= options.pieces }
                    codes[start + r] = code
                }
            }
            start = end
        }
        return codes
    }

    package func regionCodes(_ points: Matrix) -> [Int]? { regions(points) }

    package var views: [ModelView] {
        [ModelView("Regions: all layers (k₁…k_L) + samples", .regions), ModelView("Regions: first RAD layer", .regions),
         ModelView("Regions: last RAD layer", .regions)]
    }

    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        let (w, h) = (96, 64)
        let grid = Evaluation.gridPoints(width: w, height: h, box: box)
        let i = index % views.count
        let layer: Int? = i == 0 ? nil : (i == 1 ? 0 : radLayers.count - 1)
        // Stable colours: relabel codes by first appearance in scan order.
        var relabel: [Int: Int] = [:]
        let labels = regions(grid, layer: layer).map { code -> Int in
            if let c = relabel[code] { return c }
            let c = relabel.count
            relabel[code] = c
            return c
        }
        var points: [Point2] = []
        if i == 0 {
            let s = sample(count: 300, using: &rng)
            points = s.points
        }
        return .regions(title: views[i].title, width: w, height: h, labels: labels, points: points)
    }
}
