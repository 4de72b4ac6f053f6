#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData

/// Figures of merit shared by every model (README, "Command line").
package enum Evaluation {
    /// Seed of the 2000 model samples and 2000 data points behind `energy_distance`.
    package static let energyDistanceSeed: UInt64 = 2_000_2000
    package static let energyDistanceCount = 2000

    /// Mean negative log-likelihood in nats per point on the dataset's held-out points;
    /// nil when the model has no tractable density.
    package static func testNLL(_ model: any GenerativeModel, dataset: Dataset) -> Double? {
        var pts = dataset.testPoints()
        // A big file's held-out split: its first 10,000 points (already shuffled) estimate it.
        if pts.rows > maxHeldOutPoints { pts = pts.rows(0..<maxHeldOutPoints) }
        guard let lp = model.logDensity(pts) else { return nil }
        return -lp.reduce(0.0) { $0 + Double($1) } / Double(lp.count)
    }

    /// The most held-out points `testNLL` evaluates.
    static let maxHeldOutPoints = 10_000

    /// Mean negative log-likelihood of `points` (nil without a tractable density).
    package static func nll(_ model: any GenerativeModel, points: Matrix) -> Double? {
        guard points.rows > 0, let lp = model.logDensity(points) else { return nil }
        return -lp.reduce(0.0) { $0 + Double($1) } / Double(lp.count)
    }

    /// NLL on a CSV's training split (its first `limit` points), to set against the held-out
    /// `testNLL`: a growing gap is overfitting. Nil for the built-in datasets.
    package static func trainNLL(_ model: any GenerativeModel, dataset: Dataset, limit: Int = 2000) -> Double? {
        guard case .csv(let c) = dataset else { return nil }
        return nll(model, points: c.train.rows(0..<min(limit, c.train.rows)))
    }

    /// Energy distance `2E‖X−Y‖ − E‖X−X′‖ − E‖Y−Y′‖` (Székely & Rizzo), V-statistic form.
    package static func energyDistance(_ a: Matrix, _ b: Matrix) -> Double {
        func meanDistance(_ p: Matrix, _ q: Matrix) -> Double {
            var total = 0.0
            p.storage.withUnsafeBufferPointer { pp in
                q.storage.withUnsafeBufferPointer { qp in
                    for i in 0..<p.rows {
                        let (x, y) = (pp[2 * i], pp[2 * i + 1])
                        var acc: Float = 0
                        for j in 0..<q.rows {
                            let dx = x - qp[2 * j], dy = y - qp[2 * j + 1]
                            acc += (dx * dx + dy * dy).squareRoot()
                        }
                        total += Double(acc)
                    }
                }
            }
            return total / Double(p.rows * q.rows)
        }
        return 2 * meanDistance(a, b) - meanDistance(a, a) - meanDistance(b, b)
    }

    /// The model's energy distance to fresh data with fixed seeds.
    package static func energyDistance(_ model: any GenerativeModel, dataset: Dataset) -> Double {
        var rng = Xoshiro256(seed: energyDistanceSeed)
        let samples = model.sample(count: energyDistanceCount, using: &rng)
        var dataRNG = Xoshiro256(seed: energyDistanceSeed &+ 1)
        let data: Matrix
        if case .csv(let c) = dataset {
            // Held-out points, at most as many as the samples (the statistic is quadratic).
            data = c.test.rows > energyDistanceCount ? c.test.rows(0..<energyDistanceCount) : c.test
        } else {
            data = dataset.sample(count: energyDistanceCount, using: &dataRNG)
        }
        return energyDistance(samples, data)
    }

    /// Cell centres of an `n × n` grid over [−L, L]², row-major with y descending from the top
    /// row (so row 0 is the top of a picture) — the order `flowlab eval --grid` writes.
    package static func gridPoints(resolution n: Int, box: Double) -> Matrix {
        gridPoints(width: n, height: n, box: box)
    }

    /// Cell centres of a `width × height` grid over [−L, L]², top row first.
    package static func gridPoints(width: Int, height: Int, box: Double) -> Matrix {
        var m = Matrix(rows: width * height, cols: 2)
        for j in 0..<height {
            for i in 0..<width {
                let r = j * width + i
                m[r, 0] = Float(-box + (Double(i) + 0.5) * 2 * box / Double(width))
                m[r, 1] = Float(box - (Double(j) + 0.5) * 2 * box / Double(height))
            }
        }
        return m
    }

    /// Cell centres of a `width × height` grid over a view box, top row first. For the box
    /// [−L, L]² the values are bit for bit those of `gridPoints(width:height:box: L)`.
    package static func gridPoints(width: Int, height: Int, box: ViewBox) -> Matrix {
        var m = Matrix(rows: width * height, cols: 2)
        let left = box.centerX - box.halfWidth, top = box.centerY + box.halfHeight
        let (hx, hy) = (box.halfWidth, box.halfHeight)
        for j in 0..<height {
            for i in 0..<width {
                let r = j * width + i
                m[r, 0] = Float(left + (Double(i) + 0.5) * 2 * hx / Double(width))
                m[r, 1] = Float(top - (Double(j) + 0.5) * 2 * hy / Double(height))
            }
        }
        return m
    }

    /// ∫ p over [−L, L]² by the midpoint rule on an `n × n` grid.
    package static func integratedMass(_ model: any GenerativeModel, resolution n: Int, box: Double) -> Double? {
        guard let lp = model.logDensity(gridPoints(resolution: n, box: box)) else { return nil }
        let cell = (2 * box / Double(n)) * (2 * box / Double(n))
        return lp.reduce(0.0) { $0 + exp(Double($1)) } * cell
    }
}
