import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// Neural spline flows: the spline itself, the coupling as a bijector, and the model.
struct NSFTests {
    static let spline = RationalQuadraticSpline(bins: 8, bound: 5)

    static func coupling(_ condition: Int, seed: UInt64) -> SplineCoupling {
        var rng = Xoshiro256(seed: seed)
        return SplineCoupling(conditionIndex: condition, spline: spline, hidden: [16, 16], activation: .tanh,
                              name: "s", using: &rng)
    }

    @Test(arguments: [0, 1])
    func couplingPassesBijectorChecks(_ condition: Int) {
        let c = Self.coupling(condition, seed: UInt64(condition + 3))
        BijectorChecks.randomize(c, seed: 21 + UInt64(condition), scale: 0.15)
        BijectorChecks.check(c, name: "spline-coupling-\(condition)")
        // Wider inputs cross the tails at ±5, where the map is the identity.
        BijectorChecks.check(c, name: "spline-coupling-tails-\(condition)", seed: 9, scale: 4)
    }

    @Test func zeroParametersGiveTheIdentity() {
        let x = Variable(Matrix(rows: 7, cols: 1, storage: [-6, -4.9, -1.3, 0, 0.7, 4.99, 8]))
        let (y, ld) = Self.spline.forward(x, parameters: Variable(Matrix(rows: 7, cols: 23)))
        for i in 0..<7 { #expect(abs(y.value.storage[i] - x.value.storage[i]) < 1e-5) }
        #expect(ld.value.storage.allSatisfy { abs($0) < 1e-5 })
    }

    /// Round trip and log-det cancellation for points on and next to every knot, where the bin
    /// search and the quadratic's root are most fragile.
    @Test func roundTripAtAndNearKnots() {
        var rng = Xoshiro256(seed: 5)
        let raw = rng.normalMatrix(rows: 1, cols: 23).map { 1.5 * $0 }
        // Knot positions for these parameters: the cumulative softmax of the width logits.
        let logits = (0..<8).map { Double(raw[0, $0]) }
        let m = logits.max()!, e = logits.map { Foundation.exp($0 - m) }, total = e.reduce(0, +)
        var knots: [Float] = [-5], acc = 0.0
        for k in 0..<8 {
            acc += (e[k] / total) * (1 - 1e-3 * 8) + 1e-3
            knots.append(Float(-5 + 10 * acc))
        }
        var points: [Float] = []
        for k in knots { for d: Float in [-1e-3, -1e-5, 0, 1e-5, 1e-3] { points.append(k + d) } }
        let n = points.count
        let x = Variable(Matrix(rows: n, cols: 1, storage: points))
        let params = Variable(Matrix(rows: n, cols: 23) { out in
            for r in 0..<n { for j in 0..<23 { out[r * 23 + j] = raw[0, j] } }
        })
        let (y, ldF) = Self.spline.forward(x, parameters: params)
        let (back, ldI) = Self.spline.inverse(y, parameters: params)
        #expect(y.value.isFinite && ldF.value.isFinite && back.value.isFinite && ldI.value.isFinite)
        for i in 0..<n {
            #expect(abs(back.value.storage[i] - points[i]) < 1e-3, "point \(points[i]) → \(back.value.storage[i])")
            #expect(abs(ldF.value.storage[i] + ldI.value.storage[i]) < 1e-3, "log-dets at \(points[i])")
        }
        // Monotone: sorted inputs give sorted outputs.
        let order = (0..<n).sorted { points[$0] < points[$1] }
        for (a, b) in zip(order, order.dropFirst()) { #expect(y.value.storage[a] <= y.value.storage[b] + 1e-6) }
    }

    @Test func densityIntegratesToOne() throws {
        var c = ModelConfig.defaults(for: .nsf)
        c.hidden = [32, 32]
        c.seed = 4
        let model = try ModelFactory.make(c)
        var rng = Xoshiro256(seed: 2)
        for p in model.parameters { p.value = p.value + rng.normalMatrix(rows: p.value.rows, cols: p.value.cols).map { 0.1 * $0 } }
        let mass = try #require(Evaluation.integratedMass(model, resolution: 500, box: 6))
        #expect(abs(mass - 1) < 0.01, "∫p = \(mass)")
    }

    @Test func trainsTowardTheFloorAndSamplesMatchItsDensity() throws {
        var c = ModelConfig.defaults(for: .nsf)
        c.hidden = [32, 32]
        c.batchSize = 128
        c.iterations = 400
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.eightGaussians))
        let before = try #require(Evaluation.testNLL(s.model, dataset: s.dataset))
        for _ in 0..<400 { s.step() }
        let after = try #require(Evaluation.testNLL(s.model, dataset: s.dataset))
        #expect(after < before - 0.5 && after < 3.3, "NLL \(before) → \(after)")
        let tv = try #require(DensityChecks.samplesVersusDensity(s.model))
        #expect(tv < 0.03, "total variation \(tv) between samples and density")
    }

    @Test func isRegisteredForTheCLIAndCheckpoints() throws {
        #expect(ModelKind(rawValue: "nsf") == .nsf)
        #expect(ModelKind.allCases.contains(.nsf))
        let model = try ModelFactory.make(ModelConfig.defaults(for: .nsf))
        #expect(model.parameters.count == 4 * 6)
    }
}
