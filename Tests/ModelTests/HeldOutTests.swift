import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// Not overfitted, and next to the baseline users know.
struct HeldOutTests {
    /// Reference values from scipy 1.x: `gaussian_kde(train.T).logpdf(test.T)` (Scott's rule).
    @Test func kdeMatchesScipysGaussianKDE() throws {
        let train: [[Float]] = [[2.2, 61.13], [1.68, 75.29], [2.75, 77.8], [3.42, 76.61], [4.14, 69.84], [3.11, 74.58], [2.45, 64.25], [2.22, 60.4], [3.75, 83.95], [4.63, 70.58], [3.27, 84.04], [1.77, 78.6], [2.04, 46.03], [4.6, 73.27], [3.2, 56.78], [1.27, 70.4], [2.92, 70.52], [1.84, 46.14], [2.37, 67.2], [2.51, 66.93], [2.29, 81.54], [3.55, 55.82], [2.94, 78.86], [2.41, 56.81], [3.41, 66.02], [3.83, 59.91], [1.36, 87.38], [2.74, 76.82], [2.02, 99.18], [2.83, 77.7]]
        let test: [[Float]] = [[3.84, 86.2], [3.84, 65.24], [2.39, 72.27], [2.93, 69.75]]
        let scipy: [Double] = [-5.696609107400526, -5.1756525930904616, -4.552553809274499, -4.497694468497705]
        let kde = try #require(GaussianKDE(Matrix(train)))
        #expect(abs(GaussianKDE.scottFactor(30) - 0.5673004449747446) < 1e-12)
        #expect(abs(kde.covariance.0 - 0.249858887) < 1e-6 && abs(kde.covariance.1 + 0.0386264559) < 1e-6)
        for (a, b) in zip(kde.logDensity(Matrix(test)), scipy) { #expect(abs(a - b) < 1e-5, "\(a) vs scipy \(b)") }
        #expect(GaussianKDE(Matrix([[1, 2], [2, 4], [3, 6]])) == nil)  // all on a line: no density
    }

    /// A tiny CSV trained far too long: the validation NLL turns, early stopping keeps the best
    /// parameters, and the held-out NLL is better than at the end of the run.
    @Test func earlyStoppingKeepsTheBestParameters() throws {
        var rng = Xoshiro256(seed: 11)
        var lines = ["a,b"]
        for _ in 0..<40 { lines.append("\(rng.normal() * 3 + 10),\(rng.normal() * 0.5 - 2)") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-es-\(getpid()).csv").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try Dataset(name: "csv:" + path)
        var c = ModelConfig.defaults(for: .realnvp, dataset: data)
        c.layers = 4; c.hidden = [32, 32]; c.batchSize = 32; c.learningRate = 5e-3; c.cosineDecay = false
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: data)
        guard case .csv(let points) = data else { Issue.record("not a CSV dataset"); return }
        let stopper = EarlyStopping(validation: points.validation, interval: 10, patience: 200)
        var stoppedAt = 0
        for _ in 0..<1500 {
            s.step()
            if stopper.observe(s) { stoppedAt = s.iteration; break }
        }
        #expect(stoppedAt > 0 && stoppedAt < 1500)      // it did stop
        #expect(stopper.bestIteration == stoppedAt - 200)
        let last = try #require(Evaluation.testNLL(s.model, dataset: data))
        let trainLast = try #require(Evaluation.trainNLL(s.model, dataset: data))
        #expect(trainLast < last)                       // overfitting: train below held-out
        #expect(stopper.restoreBest(s))
        let validation = try #require(Evaluation.nll(s.model, points: { guard case .csv(let p) = data else { fatalError() }; return p.validation }()))
        #expect(abs(validation - stopper.bestNLL) < 1e-9)
        #expect(stopper.lastNLL! > stopper.bestNLL)
        // Not for the toys, nor for models without a density.
        let toy = TrainingSession(model: try ModelFactory.make(ModelConfig.defaults(for: .realnvp, dataset: .toy(.moons))), dataset: .toy(.moons))
        #expect(EarlyStopping.make(for: toy) == nil)
        let glf = TrainingSession(model: try ModelFactory.make(ModelConfig.defaults(for: .glf, dataset: data)), dataset: data)
        #expect(EarlyStopping.make(for: glf) == nil)
        #expect(EarlyStopping.make(for: s) != nil)
    }

    @Test func reportHasTrainHeldOutAndKDEForCSVsOnly() throws {
        var rng = Xoshiro256(seed: 12)
        var lines = ["u,v"]
        for _ in 0..<60 { lines.append("\(rng.normal() * 100),\(rng.normal())") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-report-\(getpid()).csv").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try Dataset(name: "csv:" + path)
        var c = ModelConfig.defaults(for: .glow, dataset: data)
        c.layers = 2; c.hidden = [8]
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: data)
        for _ in 0..<5 { s.step() }
        let r = TrainingReport.evaluate(session: s, seconds: 0)
        #expect(r["heldout_nll"] == r["test_nll"])
        guard case .double(let kde)? = r["kde_heldout_nll"], let kde, case .double(let train)? = r["train_nll"], train != nil else {
            Issue.record("missing fields: \(r.jsonLine)"); return
        }
        #expect(kde > 3 && kde < 10)   // N(0,100²)×N(0,1): entropy ≈ 2.84 + log 100 ≈ 7.4
        #expect(r["columns"] == .string("u,v") && r["skipped_rows"] == .int(0))
        // Small data: the spline and RAD flows get smaller networks; the toys keep theirs.
        let nsf = ModelConfig.defaults(for: .nsf, dataset: data), rad = ModelConfig.defaults(for: .rad, dataset: data)
        #expect(nsf.hidden == [32, 32] && nsf.layers == 4 && rad.hidden == [32, 32] && rad.learningRate == 5e-4)
        #expect(ModelConfig.defaults(for: .nsf, dataset: .toy(.moons)).hidden != [32, 32])
        let toy = TrainingSession(model: try ModelFactory.make(ModelConfig.defaults(for: .glow, dataset: .toy(.moons))), dataset: .toy(.moons))
        #expect(TrainingReport.evaluate(session: toy, seconds: 0)["kde_heldout_nll"] == nil)
    }
}
