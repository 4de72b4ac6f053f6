#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// FFJORD's 2-D toy generators (`lib/toy_data.py`), reproduced recipe for recipe
/// (Grathwohl et al. 2019, toy-data code), plus `grid` and noisy versions of the 1-D curves `line` and `cos`.
///
/// A fresh batch is drawn from the recipe at every call; every draw takes the caller's generator.
package enum ToyDataset: String, CaseIterable, Sendable, Codable {
    case swissroll, circles, rings, moons
    case eightGaussians = "8gaussians"
    case pinwheel
    case twoSpirals = "2spirals"
    case checkerboard, line, cos, grid

    /// The noise added to the 1-D curves `line` and `cos` so that a density exists.
    static let curveNoise = 0.05
    /// Spacing and standard deviation of the 5×5 `grid` mixture.
    static let gridSpacing = 1.5, gridStd = 0.2

    /// The differential entropy H(p) in nats: the lowest expected NLL any model can reach
    /// (the entropy of each recipe by numerical integration). nil where it is not known in closed form.
    package var entropyFloor: Double? {
        switch self {
        case .eightGaussians: return 2.836
        case .checkerboard: return Foundation_log(32)
        case .circles: return 3.27
        case .rings: return 2.62
        case .moons: return 2.39
        case .swissroll: return 2.67
        case .twoSpirals: return 2.64
        case .pinwheel: return 2.33
        // 25 well-separated isotropic Gaussians: ln 25 + ln(2πe σ²).
        case .grid: return Foundation_log(25) + Foundation_log(2 * Double.pi * M_E * ToyDataset.gridStd * ToyDataset.gridStd)
        case .line, .cos: return nil
        }
    }

    /// Draws `count` points as a `count × 2` matrix.
    // Long by design: one short recipe per dataset.
    package func sample<G: RandomNumberGenerator>(count n: Int, using rng: inout G) -> Matrix {
        var pts: [(Double, Double)] = []
        pts.reserveCapacity(n)
        switch self {
        case .swissroll:
            // sklearn make_swiss_roll(noise=1): t = 1.5π(1+2u), (t cos t, t sin t) + N(0,1), ÷5.
            for _ in 0..<n {
                let t = 1.5 * Double.pi * (1 + 2 * rng.uniform())
                pts.append(((t * Foundation_cos(t) + rng.normal()) / 5, (t * Foundation_sin(t) + rng.normal()) / 5))
            }
        case .circles:
            // make_circles(factor 0.5, noise 0.08) ×3; evenly spaced angles, shuffled.
            let nOut = n / 2, nIn = n - nOut
            for (count, radius) in [(nOut, 1.0), (nIn, 0.5)] {
                for i in 0..<count {
                    let a = 2 * Double.pi * Double(i) / Double(count)
                    pts.append((3 * (radius * Foundation_cos(a) + 0.08 * rng.normal()),
                                3 * (radius * Foundation_sin(a) + 0.08 * rng.normal())))
                }
            }
            pts = shuffled(pts, using: &rng)
        case .rings:
            // Radii 3, 2.25, 1.5, 0.75; n/4 on each outer ring, the rest on the innermost; σ = 0.08 after scaling.
            let q = n / 4
            for (count, radius) in [(q, 1.0), (q, 0.75), (q, 0.5), (n - 3 * q, 0.25)] {
                for i in 0..<count {
                    let a = 2 * Double.pi * Double(i) / Double(count)
                    pts.append((3 * radius * Foundation_cos(a) + 0.08 * rng.normal(),
                                3 * radius * Foundation_sin(a) + 0.08 * rng.normal()))
                }
            }
            pts = shuffled(pts, using: &rng)
        case .moons:
            // make_moons(noise 0.1), then ×2 + (−1, −0.2); θ evenly spaced over [0, π] with both ends.
            let nOut = n / 2, nIn = n - nOut
            for i in 0..<nOut {
                let t = nOut > 1 ? Double.pi * Double(i) / Double(nOut - 1) : 0
                pts.append((2 * (Foundation_cos(t) + 0.1 * rng.normal()) - 1, 2 * (Foundation_sin(t) + 0.1 * rng.normal()) - 0.2))
            }
            for i in 0..<nIn {
                let t = nIn > 1 ? Double.pi * Double(i) / Double(nIn - 1) : 0
                pts.append((2 * (1 - Foundation_cos(t) + 0.1 * rng.normal()) - 1,
                            2 * (1 - Foundation_sin(t) - 0.5 + 0.1 * rng.normal()) - 0.2))
            }
            pts = shuffled(pts, using: &rng)
        case .eightGaussians:
            let h = 1 / 2.0.squareRoot()
            let centers = [(1.0, 0.0), (-1, 0), (0, 1), (0, -1), (h, h), (h, -h), (-h, h), (-h, -h)]
            for _ in 0..<n {
                let c = centers[rng.index(below: 8)]
                pts.append(((4 * c.0 + 0.5 * rng.normal()) / 1.414, (4 * c.1 + 0.5 * rng.normal()) / 1.414))
            }
        case .pinwheel:
            // 5 arms: f = (N(1, 0.3²), N(0, 0.1²)), φ = 2πk/5 + 0.25·e^{f₀}, x = 2·(f rotated by −φ).
            for i in 0..<n {
                let k = i % 5
                let f0 = 1 + 0.3 * rng.normal(), f1 = 0.1 * rng.normal()
                let phi = 2 * Double.pi * Double(k) / 5 + 0.25 * Foundation_exp(f0)
                let (c, s) = (Foundation_cos(phi), Foundation_sin(phi))
                pts.append((2 * (f0 * c + f1 * s), 2 * (-f0 * s + f1 * c)))
            }
            pts = shuffled(pts, using: &rng)
        case .twoSpirals:
            let half = n / 2
            for i in 0..<n {
                let t = rng.uniform().squareRoot() * 3 * Double.pi
                let dx = -Foundation_cos(t) * t + 0.5 * rng.uniform()
                let dy = Foundation_sin(t) * t + 0.5 * rng.uniform()
                let sign: Double = i < half ? 1 : -1
                pts.append((sign * dx / 3 + 0.1 * rng.normal(), sign * dy / 3 + 0.1 * rng.normal()))
            }
            pts = shuffled(pts, using: &rng)
        case .checkerboard:
            for _ in 0..<n {
                let x1 = 4 * rng.uniform() - 2
                let x2 = rng.uniform() - 2 * Double(rng.index(below: 2)) + Foundation_fmod(Foundation_floor(x1), 2).magnitude
                pts.append((2 * x1, 2 * x2))
            }
        case .line:
            for _ in 0..<n {
                let x = 5 * rng.uniform() - 2.5
                pts.append((x + Self.curveNoise * rng.normal(), x + Self.curveNoise * rng.normal()))
            }
        case .cos:
            // FFJORD's "cos" is y = 2.5·sin(x).
            for _ in 0..<n {
                let x = 5 * rng.uniform() - 2.5
                pts.append((x + Self.curveNoise * rng.normal(), 2.5 * Foundation_sin(x) + Self.curveNoise * rng.normal()))
            }
        case .grid:
            for _ in 0..<n {
                let i = rng.index(below: 5), j = rng.index(below: 5)
                pts.append((Self.gridSpacing * Double(i - 2) + Self.gridStd * rng.normal(),
                            Self.gridSpacing * Double(j - 2) + Self.gridStd * rng.normal()))
            }
        }
        var m = Matrix(rows: n, cols: 2)
        for (i, p) in pts.enumerated() {
            m.storage[2 * i] = Float(p.0)
            m.storage[2 * i + 1] = Float(p.1)
        }
        return m
    }

    private func shuffled<G: RandomNumberGenerator>(_ pts: [(Double, Double)], using rng: inout G) -> [(Double, Double)] {
        rng.permutation(pts.count).map { pts[$0] }
    }
}

// Free-function aliases so the enum's `cos` case does not shadow libm's cos.
@inline(__always) func Foundation_cos(_ x: Double) -> Double { cos(x) }
@inline(__always) func Foundation_sin(_ x: Double) -> Double { sin(x) }
@inline(__always) func Foundation_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func Foundation_log(_ x: Double) -> Double { log(x) }
@inline(__always) func Foundation_floor(_ x: Double) -> Double { floor(x) }
@inline(__always) func Foundation_fmod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }
