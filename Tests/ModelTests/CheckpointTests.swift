import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

struct CheckpointTests {
    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-\(getpid())-\(name)").path
    }

    static func session(_ kind: ModelKind = .glow) throws -> TrainingSession {
        let s = TrainingSession(model: try ModelFactory.make(FlowModelTests.config(kind, iters: 40)), dataset: .toy(.moons))
        for _ in 0..<40 { s.step() }
        return s
    }

    func error(_ data: Data) -> String? {
        do { _ = try Checkpoint.decode(data, source: "m.json").makeModel(); return nil }
        catch let e as CheckpointError { return e.message } catch { return "unexpected \(error)" }
    }

    @Test func roundTripReproducesTheModelAndResumesTraining() throws {
        let s = try Self.session()
        let path = Self.tempPath("rt.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(session: s).write(to: path)
        let loaded = try Checkpoint.read(from: path)
        let model = try loaded.makeModel(expected: .glow)
        let pts = Evaluation.gridPoints(resolution: 20, box: 4)
        #expect(model.logDensity(pts) == s.model.logDensity(pts))
        // Resuming continues exactly where the original continues.
        let resumed = try loaded.makeSession()
        #expect(resumed.iteration == 40)
        let a = s.step(), b = resumed.step()
        #expect(a.loss == b.loss)
        // No temporary files are left next to the checkpoint.
        let dir = (path as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("rt.json") }
        #expect(leftovers == ["flowlab-\(getpid())-rt.json"])
    }

    @Test func corruptTruncatedFutureAndForeignFilesFailClearly() throws {
        let data = try Checkpoint(session: try Self.session()).encoded()
        #expect(error(data) == nil)
        #expect(error(data.prefix(data.count / 2))!.contains("not a FlowLab checkpoint (not valid JSON"))
        #expect(error(Data("garbage".utf8))!.contains("not valid JSON"))
        #expect(error(Data("{\"hello\": 1}".utf8))!.contains("no \"format\""))
        var obj = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        obj["version"] = 99
        #expect(error(try JSONSerialization.data(withJSONObject: obj))!.contains("newer FlowLab (checkpoint version 99)"))
        obj["version"] = 1
        obj["model"] = "realnvp"  // a glow file claiming to be realnvp
        #expect(error(try JSONSerialization.data(withJSONObject: obj))!.contains("inconsistent"))
        obj["model"] = "bogus"
        #expect(error(try JSONSerialization.data(withJSONObject: obj))!.contains("unknown model id 'bogus'"))
        obj["model"] = "glow"
        obj.removeValue(forKey: "parameters")
        #expect(error(try JSONSerialization.data(withJSONObject: obj))!.contains("missing the field 'parameters'"))
    }

    @Test func mismatchedShapesAndWrongModelFailClearly() throws {
        let s = try Self.session(.realnvp)
        var ckpt = Checkpoint(session: s)
        #expect(throws: CheckpointError.self) { try ckpt.makeModel(expected: .glow) }
        ckpt.parameters[0].values.removeLast()
        ckpt.parameters[0].cols -= 1
        do { _ = try ckpt.makeModel(); Issue.record("no error") } catch let e as CheckpointError {
            #expect(e.message.contains("does not match"))
        }
        var nanCkpt = Checkpoint(session: s)
        nanCkpt.parameters[1].values[0] = .nan
        #expect(throws: CheckpointError.self) { try nanCkpt.encoded() }
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: "/nonexistent/m.json") }
    }
}

/// Every model survives a checkpoint round trip: same samples, same density (where it has one).
struct AllModelsCheckpointTests {
    @Test(arguments: ModelKind.allCases)
    func roundTrip(_ kind: ModelKind) throws {
        var c = ModelConfig.defaults(for: kind)
        c.hidden = [16, 16]
        if kind != .ffjord && kind != .ctf { c.layers = 2 }
        c.batchSize = 64
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.moons))
        for _ in 0..<3 { s.step() }
        let data = try Checkpoint(session: s).encoded()
        let loaded = try Checkpoint.decode(data, source: "mem").makeModel(expected: kind)
        var r1 = Xoshiro256(seed: 4), r2 = Xoshiro256(seed: 4)
        #expect(loaded.sample(count: 50, using: &r1) == s.model.sample(count: 50, using: &r2))
        let pts = Evaluation.gridPoints(resolution: 6, box: 3)
        #expect(loaded.logDensity(pts) == s.model.logDensity(pts))
    }
}
