import Foundation
import FlowCore
import FlowData

/// One estimator of KL(target ‖ samples) for every model, density or not (`sample_kl` in
/// `train`'s JSON line; its name is `sample_kl_estimator`): 100,000 model samples (fixed seed)
/// binned into 40 × 40 cells over [−4, 4]², each cell's count given a pseudo-count of 0.5, set
/// against the target's cell masses — by 4 × 4-point midpoint quadrature for the energy
/// targets, by a histogram of 400,000 fresh points for the toy datasets. Mass outside the box
/// is left out on both sides. An exact sampler scores about 0.01 (see the README); a broad
/// Gaussian about 1. Not defined for a user's CSV (no fresh points to compare with).
package enum SampleKL {
    package static let name = "hist40"
    package static let cells = 40
    static let modelSamples = 100_000
    static let dataSamples = 400_000
    static let box = 4.0
    static let seed: UInt64 = 20_260_401

    /// The estimate for `sampler`'s draws against `dataset`, nil for a CSV.
    package static func estimate(dataset: Dataset, sampler: (Int, inout Xoshiro256) -> Matrix) -> Double? {
        guard let target = targetMasses(dataset) else { return nil }
        var rng = Xoshiro256(seed: seed)
        var counts = [Double](repeating: 0.5, count: cells * cells)
        var remaining = modelSamples
        while remaining > 0 {
            let k = min(remaining, 20_000)
            bin(sampler(k, &rng), into: &counts)
            remaining -= k
        }
        let total = counts.reduce(0, +)
        var kl = 0.0
        for (p, c) in zip(target, counts) where p > 0 { kl += p * log(p / (c / total)) }
        return kl
    }

    /// For a model: its own samples.
    package static func estimate(_ model: any GenerativeModel, dataset: Dataset) -> Double? {
        estimate(dataset: dataset) { n, rng in model.sample(count: n, using: &rng) }
    }

    static func bin(_ s: Matrix, into counts: inout [Double]) {
        for r in 0..<s.rows {
            let x = Double(s[r, 0]), y = Double(s[r, 1])
            guard x.isFinite, y.isFinite else { continue }
            let i = Int(((x + box) / (2 * box) * Double(cells)).rounded(.down))
            let j = Int(((y + box) / (2 * box) * Double(cells)).rounded(.down))
            if (0..<cells).contains(i) && (0..<cells).contains(j) { counts[j * cells + i] += 1 }
        }
    }

    /// The target's probability per cell, normalised over the box.
    static func targetMasses(_ dataset: Dataset) -> [Double]? {
        var m = [Double](repeating: 0, count: cells * cells)
        switch dataset {
        case .csv: return nil
        case .energy(let t):
            let q = t.quadrature
            let h = 2 * box / Double(cells), sub = 4
            for j in 0..<cells { for i in 0..<cells {
                var s = 0.0
                for a in 0..<sub { for b in 0..<sub {
                    let x = -box + (Double(i) + (Double(a) + 0.5) / Double(sub)) * h
                    let y = -box + (Double(j) + (Double(b) + 0.5) / Double(sub)) * h
                    s += exp(q.logDensity(x, y))
                } }
                m[j * cells + i] = s
            } }
        case .toy:
            var rng = Xoshiro256(seed: seed &+ 1)
            var remaining = dataSamples
            while remaining > 0 {
                let k = min(remaining, 50_000)
                bin(dataset.sample(count: k, using: &rng), into: &m)
                remaining -= k
            }
        }
        let total = m.reduce(0, +)
        guard total > 0 else { return nil }
        return m.map { $0 / total }
    }
}
