#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// An energy target tabulated on an `n × n` midpoint grid of [−4, 4]²: log Z, entropy, and a
/// sampler. Computed once per target and cached (immutable, so shared freely across threads).
package final class EnergyQuadrature: Sendable {
    package let target: EnergyTarget
    package let resolution: Int
    package let logZ: Double
    package let entropy: Double
    /// Cumulative cell probabilities, row-major from (−4, −4).
    let cdf: [Double]

    init(target: EnergyTarget, resolution: Int = 400) {
        self.target = target
        self.resolution = resolution
        let box = EnergyTarget.box
        let h = 2 * box / Double(resolution)
        var energies = [Double](repeating: 0, count: resolution * resolution)
        var minU = Double.infinity
        for j in 0..<resolution {
            for i in 0..<resolution {
                let u = target.energy(-box + (Double(i) + 0.5) * h, -box + (Double(j) + 0.5) * h)
                energies[j * resolution + i] = u
                minU = min(minU, u)
            }
        }
        var mass = 0.0, weightedU = 0.0
        var cdf = [Double](repeating: 0, count: energies.count)
        for (k, u) in energies.enumerated() {
            let w = exp(-(u - minU))
            mass += w
            weightedU += w * u
            cdf[k] = mass
        }
        for k in cdf.indices { cdf[k] /= mass }
        self.cdf = cdf
        self.logZ = log(mass * h * h) - minU
        self.entropy = weightedU / mass + logZ
    }

    /// Exact-enough samples: a cell by inverse CDF, then uniform within the cell.
    package func sample<G: RandomNumberGenerator>(count: Int, using rng: inout G) -> Matrix {
        let box = EnergyTarget.box
        let h = 2 * box / Double(resolution)
        var m = Matrix(rows: count, cols: 2)
        for r in 0..<count {
            let u = rng.uniform()
            var lo = 0, hi = cdf.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            let i = lo % resolution, j = lo / resolution
            m[r, 0] = Float(-box + (Double(i) + rng.uniform()) * h)
            m[r, 1] = Float(-box + (Double(j) + rng.uniform()) * h)
        }
        return m
    }

    /// Normalised log density at a point.
    package func logDensity(_ z1: Double, _ z2: Double) -> Double { -target.energy(z1, z2) - logZ }

    private static let cache: [EnergyTarget: EnergyQuadrature] = {
        var c: [EnergyTarget: EnergyQuadrature] = [:]
        for t in EnergyTarget.allCases { c[t] = EnergyQuadrature(target: t) }
        return c
    }()

    static func shared(for target: EnergyTarget) -> EnergyQuadrature { cache[target]! }
}
