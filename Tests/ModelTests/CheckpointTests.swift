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

/// Issue 16 items 20-23: every bad checkpoint is refused with one line naming what is wrong.
struct CheckpointValidationTests {
    static let data: Data = {
        var c = ModelConfig.defaults(for: .realnvp)
        c.hidden = [8, 8]
        c.layers = 2
        let s = TrainingSession(model: try! ModelFactory.make(c), dataset: .toy(.moons))
        s.step()
        return try! Checkpoint(session: s).encoded()
    }()

    func error(_ data: Data) -> String? {
        do { _ = try Checkpoint.decode(data, source: "m.json").makeModel(); return nil }
        catch let e as CheckpointError { return e.message } catch { return "unexpected \(error)" }
    }

    func edited(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        var obj = try JSONSerialization.jsonObject(with: Self.data) as! [String: Any]
        edit(&obj)
        return try JSONSerialization.data(withJSONObject: obj)
    }

    func text(_ replace: String, with: String) -> Data {
        let s = String(decoding: Self.data, as: UTF8.self)
        precondition(s.contains(replace))
        return Data(s.replacingOccurrences(of: replace, with: with).utf8)
    }

    @Test func valid() { #expect(error(Self.data) == nil) }

    @Test func shortParameterArrayNamesLengths() throws {
        let d = try edited { o in
            var ps = o["parameters"] as! [[String: Any]]
            var v = ps[1]["values"] as! [Double]
            v.removeLast()
            ps[1]["values"] = v
            o["parameters"] = ps
        }
        let m = error(d)!
        #expect(m.contains("has 7 values, expected 8"), "\(m)")
    }

    @Test func overflowAndUnknownEnumAreOneClearLine() throws {
        let overflow = String(decoding: Self.data, as: UTF8.self)
            .replacingOccurrences(of: "\"values\":[", with: "\"values\":[1e39,")
        let m = error(Data(overflow.utf8))!
        #expect(!m.contains("not valid JSON") && !m.contains("\n") && m.contains("out of range"), "message: \(m)")
        let act = try edited { o in
            var c = o["config"] as! [String: Any]; c["activation"] = "swish"; o["config"] = c
        }
        let a = error(act)!
        #expect(a == "'m.json': checkpoint field 'config.activation' has an invalid value", "\(a)")
    }

    @Test func impossibleValuesAreRefused() throws {
        for v in [0, -1] {
            #expect(error(try edited { $0["version"] = v })!.contains("checkpoint version \(v) is not valid"))
        }
        for b in [0.0, -3.0] {
            let m = error(try edited { o in var c = o["config"] as! [String: Any]; c["scaleBound"] = b; o["config"] = c })!
            #expect(m.contains("scaleBound"), "\(m)")
        }
        let it = error(try edited { o in var t = o["training"] as! [String: Any]; t["iteration"] = -5; o["training"] = t })!
        #expect(it.contains("training.iteration -5 is negative"), "\(it)")
        let ds = error(try edited { $0["dataset"] = "bogus" })!
        #expect(ds.contains("unknown dataset 'bogus'"), "\(ds)")
        let big = error(try edited { o in var t = o["parameters"] as! [[String: Any]]; t[0]["rows"] = Int.max; o["parameters"] = t })!
        #expect(big.contains("does not match"), "\(big)")
    }

    @Test func oversizedArraysAreRefusedBeforeDecoding() throws {
        // 2M extra values (~4 MB) in a model of a few hundred parameters.
        let padding = String(repeating: "0,", count: 2_000_000)
        let d = text("\"values\":[", with: "\"values\":[" + padding)
        let clock = ContinuousClock(), start = clock.now
        let m = error(d)!
        #expect(m.contains("refusing to decode it"), "\(m)")
        #expect(clock.now - start < .seconds(1))
        // A configuration far bigger than the file.
        let wide = error(try edited { o in var c = o["config"] as! [String: Any]; c["hidden"] = [4096, 4096]; o["config"] = c })!
        #expect(wide.contains("too small"), "\(wide)")
    }
}

/// Inputs the fuzzer found (FuzzTests); each once crashed the loader or the first step.
struct FuzzRegressionTests {
    @Test func hugeStepCountersAreRefused() throws {
        let seed = try Data(contentsOf: FuzzTests.corpus.appendingPathComponent("checkpoint/rad.json"))
        var obj = try JSONSerialization.jsonObject(with: seed) as! [String: Any]
        var training = obj["training"] as! [String: Any]
        var adam = training["adam"] as! [String: Any]
        adam["step"] = Int.max  // Adam.update's step += 1 trapped
        training["adam"] = adam
        obj["training"] = training
        do { _ = try Checkpoint.decode(try JSONSerialization.data(withJSONObject: obj), source: "f.json"); Issue.record("accepted") }
        catch let e as CheckpointError { #expect(e.message.contains("training.adam.step")) }
        training["adam"] = (obj["training"] as! [String: Any])["adam"]
        adam["step"] = 3
        training["adam"] = adam
        training["iteration"] = Int.max
        obj["training"] = training
        do { _ = try Checkpoint.decode(try JSONSerialization.data(withJSONObject: obj), source: "f.json"); Issue.record("accepted") }
        catch let e as CheckpointError { #expect(e.message.contains("training.iteration")) }
    }
}
