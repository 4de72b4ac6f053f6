import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// The probe's change of variables: for every model with a density the named terms add up to
/// `logDensity` (what `eval --terms` promises), and every model's scrubber runs base → data.
struct DensityTermsTests {
    static func points() -> Matrix {
        var rng = Xoshiro256(seed: 5)
        return rng.normalMatrix(rows: 37, cols: 2).map { $0 * 2 }
    }

    static func check(_ model: any FlowLabModel, _ x: Matrix) throws {
        let lp = try #require(model.logDensity(x))
        let terms = try #require(model.densityTerms(x), "\(model.config.kind.rawValue) has a density but no terms")
        #expect(terms.terms.count >= 2)
        #expect(Set(terms.terms.map(\.id)).count == terms.terms.count, "term ids must be distinct CSV columns")
        for t in terms.terms { #expect(t.values.count == x.rows && !t.id.contains(",") && !t.id.contains(" ")) }
        for (a, b) in zip(terms.total, lp) where b.isFinite {
            #expect(abs(a - Double(b)) < 1e-4 * max(1, abs(Double(b))), "\(model.config.kind.rawValue): Σ terms \(a) vs logp \(b)")
        }
    }

    @Test(arguments: ["realnvp", "glow", "nsf", "ffjord", "rad", "ctf"])
    func termsSumToTheLogDensity(_ id: String) throws {
        let kind = try #require(ModelKind(rawValue: id))
        let data = try Dataset(name: "moons")
        var c = ModelConfig.defaults(for: kind, dataset: data)
        if kind != .ffjord { c.layers = min(c.layers, 4) }
        c.batchSize = 64
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: data)
        for _ in 0..<(kind == .ffjord ? 3 : 20) { s.step() }
        try Self.check(s.model, Self.points())
        if kind == .ffjord { #expect((s.model.densityTerms(Self.points())?.nfe ?? 0) > 0) }
        if kind == .rad {
            let t = try #require(s.model.densityTerms(Self.points()))
            #expect(t.terms.contains { $0.pieces != nil })
        }
    }

    @Test func standardisedModelAddsItsOwnLogDet() throws {
        let path = try StandardizationTests.csv(scale: 10, name: "terms")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try Dataset(name: "csv:" + path)
        let s = try StandardizationTests.trained(.realnvp, dataset: data, iterations: 10)
        var x = Self.points()
        for r in 0..<x.rows { x[r, 0] = 30 + 4 * x[r, 0]; x[r, 1] = 700 + 50 * x[r, 1] }
        try Self.check(s.model, x)
        #expect(s.model.densityTerms(x)?.terms.last?.id == "logdet_standardization")
    }

    @Test func modelsWithoutADensityHaveNoTerms() throws {
        let glf = try ModelFactory.make(ModelConfig.defaults(for: .glf))
        #expect(glf.densityTerms(Self.points()) == nil)
    }

    @Test(arguments: ["realnvp", "glow", "nsf", "ffjord", "rad", "ctf", "glf"])
    func scrubTrackRunsFromBaseToData(_ id: String) throws {
        let kind = try #require(ModelKind(rawValue: id))
        let model = try ModelFactory.make(ModelConfig.defaults(for: kind))
        var rng = Xoshiro256(seed: 1)
        let track = try #require(model.scrubTrack(data: Self.points(), box: 4, using: &rng))
        #expect(track.stages.count >= 3)
        #expect(track.stages.allSatisfy { !$0.points.isEmpty && !$0.label.isEmpty })
        #expect(track.index(fraction: 0) == 0 && track.index(fraction: 1) == track.stages.count - 1)
        #expect(track.index(fraction: .nan) == 0 && track.index(fraction: 7) == track.stages.count - 1)
    }
}
