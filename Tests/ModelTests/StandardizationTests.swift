import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// Any scale: a CSV's model standardises first and reports everything in data units.
struct StandardizationTests {
    /// Two clusters around (3.5, 70) in "minutes", like the geyser data of the issue, times `scale`.
    static func csv(scale: Double, name: String, rows: Int = 160) throws -> String {
        var rng = Xoshiro256(seed: 42)
        var lines = ["eruptions,waiting"]
        for i in 0..<rows {
            let long = i % 3 != 0
            let e = (long ? 4.3 : 2.0) + 0.35 * rng.normal()
            let w = (long ? 80.0 : 54.0) + 5.5 * rng.normal()
            lines.append("\(e * scale),\(w * scale)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-std-\(getpid())-\(name).csv").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func trained(_ kind: ModelKind, dataset: Dataset, iterations: Int = 40) throws -> TrainingSession {
        var c = ModelConfig.defaults(for: kind, dataset: dataset)
        if kind != .ctf && kind != .glf { c.layers = 2 }
        c.hidden = [16]; c.batchSize = 64; c.iterations = iterations
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: dataset)
        for _ in 0..<iterations { s.step() }
        return s
    }

    @Test(arguments: [ModelKind.realnvp, .nsf, .rad])
    func nllOfDataTimes100DiffersByTwoLog100(_ kind: ModelKind) throws {
        let a = try Self.csv(scale: 1, name: "a-\(kind.rawValue)"), b = try Self.csv(scale: 100, name: "b-\(kind.rawValue)")
        defer { for p in [a, b] { try? FileManager.default.removeItem(atPath: p) } }
        let da = try Dataset(name: "csv:" + a), db = try Dataset(name: "csv:" + b)
        let na = try #require(Evaluation.testNLL(try Self.trained(kind, dataset: da).model, dataset: da))
        let nb = try #require(Evaluation.testNLL(try Self.trained(kind, dataset: db).model, dataset: db))
        #expect(abs((nb - na) - 2 * log(100.0)) < 1e-3, "NLL \(na) vs \(nb)")
        #expect(na < 6)  // a real density of the data, not of a [-4,4]² box it misses
    }

    @Test func densityIsNormalisedInDataUnits() throws {
        let a = try Self.csv(scale: 100, name: "mass")
        defer { try? FileManager.default.removeItem(atPath: a) }
        let d = try Dataset(name: "csv:" + a)
        let s = try Self.trained(.realnvp, dataset: d, iterations: 100)
        // Midpoint rule over a box twice the view box: the mass is ~1 in the data's own units.
        var box = d.viewBox
        box.halfWidth *= 2; box.halfHeight *= 2
        let n = 200
        let grid = Evaluation.gridPoints(width: n, height: n, box: box)
        let lp = try #require(s.model.logDensity(grid))
        let cell = (2 * box.halfWidth / Double(n)) * (2 * box.halfHeight / Double(n))
        let mass = lp.reduce(0.0) { $0 + exp(Double($1)) } * cell
        #expect(abs(mass - 1) < 0.03, "mass \(mass)")
    }

    @Test(arguments: [ModelKind.ctf, .glf])
    func modelsWithoutADensityStillSampleInDataUnits(_ kind: ModelKind) throws {
        let a = try Self.csv(scale: 100, name: "implicit-\(kind.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: a) }
        let d = try Dataset(name: "csv:" + a)
        let s = try Self.trained(kind, dataset: d, iterations: 30)
        var rng = Xoshiro256(seed: 3)
        let x = s.model.sample(count: 500, using: &rng)
        let mx = (0..<x.rows).map { Double(x[$0, 0]) }.reduce(0, +) / 500
        let my = (0..<x.rows).map { Double(x[$0, 1]) }.reduce(0, +) / 500
        #expect(abs(mx - 350) < 150 && abs(my - 7000) < 1500, "sample mean (\(mx), \(my))")
    }

    @Test func checkpointCarriesTheMapAndOldCheckpointsLoadAsIdentity() throws {
        let a = try Self.csv(scale: 100, name: "ckpt")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-std-\(getpid())-ckpt.json").path
        defer { for p in [a, path] { try? FileManager.default.removeItem(atPath: p) } }
        let d = try Dataset(name: "csv:" + a)
        let s = try Self.trained(.glow, dataset: d, iterations: 10)
        try Checkpoint(session: s).write(to: path)
        let loaded = try Checkpoint.read(from: path)
        #expect(loaded.config.standardization == d.standardization)
        let m = try loaded.makeModel()
        let pts = d.testPoints()
        #expect(m.logDensity(pts) == s.model.logDensity(pts))
        // Written before the field existed: no "standardization" key, no wrapper.
        var obj = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        var config = obj["config"] as! [String: Any]
        config.removeValue(forKey: "standardization")
        obj["config"] = config
        let old = try Checkpoint.decode(try JSONSerialization.data(withJSONObject: obj), source: "old.json")
        #expect(old.config.standardization == nil)
        #expect(!(try old.makeModel() is StandardizedModel))
        // A broken map is refused with one line.
        config["standardization"] = ["shift": [0, 0], "scale": [0, 1]]
        obj["config"] = config
        #expect(throws: CheckpointError.self) {
            try Checkpoint.decode(try JSONSerialization.data(withJSONObject: obj), source: "bad.json").makeModel()
        }
        // Toy datasets keep the plain model.
        #expect(ModelConfig.defaults(for: .glow, dataset: .toy(.moons)).standardization == nil)
    }
}
