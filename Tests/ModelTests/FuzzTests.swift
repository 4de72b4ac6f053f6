import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// A seeded mutation fuzzer for the two loaders that read user files: the CSV reader and the
/// checkpoint decoder (issue 16). Inputs are the committed seed corpus in `Fuzz/` mutated a
/// few times each (byte edits, interesting tokens, number swaps, splices, truncation). Every
/// input must be accepted or rejected with one clear line — no crash, no hang, no raw error.
///
/// The test suite runs a short, fixed pass (deterministic: seed 1). A longer run:
///
///     FLOWLAB_FUZZ_SECONDS=600 swift test --filter FuzzTests     # 10 minutes per loader
///     FLOWLAB_FUZZ_SEED=7 ...                                      # another mutation stream
///
/// In a long run each input is written to `$TMPDIR/flowlab-fuzz-<loader>.last` before it is
/// tried, so the input of a crash is left on disk. `FLOWLAB_FUZZ_WRITE_CORPUS=1` regenerates
/// the checkpoint seeds.
struct FuzzTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz")
    static let env = ProcessInfo.processInfo.environment
    static let seconds = Double(env["FLOWLAB_FUZZ_SECONDS"] ?? "") ?? 0
    static let seed = UInt64(env["FLOWLAB_FUZZ_SEED"] ?? "") ?? 1

    static func seeds(_ folder: String) throws -> [Data] {
        let dir = corpus.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .map { try Data(contentsOf: dir.appendingPathComponent($0)) }
    }

    /// Runs `body` on mutated seeds: `count` inputs, or for FLOWLAB_FUZZ_SECONDS when set.
    static func fuzz(_ name: String, seeds: [Data], count: Int, _ body: (Data) -> String?) {
        var rng = Xoshiro256(seed: seed &+ UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        let clock = ContinuousClock(), start = clock.now
        let last = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-fuzz-\(name).last")
        var slowest = Duration.zero, runs = 0, rejected = 0
        while seconds > 0 ? clock.now - start < .seconds(seconds) : runs < count {
            let input = Mutator.mutate(seeds[rng.index(below: seeds.count)], corpus: seeds, using: &rng)
            if seconds > 0 { try? input.write(to: last) }
            let t0 = clock.now
            let problem = body(input)
            let t = clock.now - t0
            slowest = max(slowest, t)
            runs += 1
            if let problem {
                rejected += 1
                if env["FLOWLAB_FUZZ_STATS"] == "messages" { print("reject \(name): \(problem.prefix(120))") }
                if problem.hasPrefix("BUG") {
                    Issue.record("\(name) input #\(runs): \(problem)\n--- input ---\n\(String(decoding: input.prefix(2000), as: UTF8.self))")
                    return
                }
            }
            if t > .seconds(2) { Issue.record("\(name) input #\(runs) took \(t)"); return }
        }
        if seconds > 0 || env["FLOWLAB_FUZZ_STATS"] != nil { print("fuzz \(name): \(runs) inputs, \(rejected) rejected, slowest \(slowest), no failures") }
    }

    /// nil if accepted; the message if rejected well; "BUG: …" otherwise.
    static func judge(_ message: String) -> String {
        if message.isEmpty || message.contains("\n") || message.count > 400 { return "BUG: not one clear line: \(message)" }
        for raw in ["DecodingError", "Swift.", "codingPath", "NSCocoaErrorDomain", "Optional("] where message.contains(raw) {
            return "BUG: raw error text: \(message)"
        }
        return message
    }

    @Test func csvReader() throws {
        let seeds = try Self.seeds("csv")
        #expect(seeds.count >= 5)
        Self.fuzz("csv", seeds: seeds, count: 4000) { input in
            guard let text = String(data: input, encoding: .utf8) else { return "not UTF-8" }
            do {
                let m = try CSVPoints.parse(text, source: "f.csv")
                if !m.storage.allSatisfy(\.isFinite) { return "BUG: accepted non-finite values" }
                return nil
            } catch let e as DatasetError { return Self.judge(e.message) } catch { return "BUG: \(error)" }
        }
    }

    @Test func csvFiles() throws {
        // The file path (split, scale check) on a smaller budget: it writes a file per input.
        let seeds = try Self.seeds("csv")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-fuzz-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        Self.fuzz("csvfile", seeds: seeds, count: 300) { input in
            do {
                try input.write(to: URL(fileURLWithPath: path))
                let c = try CSVPoints(path: path)
                if c.train.rows < 1 || c.test.rows < 1 { return "BUG: empty split" }
                return nil
            } catch let e as DatasetError { return Self.judge(e.message) } catch { return "BUG: \(error)" }
        }
    }

    @Test func checkpointDecoder() throws {
        if Self.env["FLOWLAB_FUZZ_WRITE_CORPUS"] == "1" { try Self.writeCheckpointSeeds() }
        let seeds = try Self.seeds("checkpoint")
        #expect(seeds.count >= 6)
        let points = Evaluation.gridPoints(resolution: 3, box: 3)
        Self.fuzz("checkpoint", seeds: seeds, count: 2500) { input in
            do {
                let ck = try Checkpoint.decode(input, source: "f.json")
                let model = try ck.makeModel()
                var rng = Xoshiro256(seed: 1)
                _ = model.sample(count: 4, using: &rng)
                _ = model.logDensity(points)
                // Resuming runs the optimizer on the loaded state (cheap configurations only).
                if ck.config.batchSize <= 512 && ck.config.kind != .ffjord {
                    let session = try ck.makeSession(dataset: .toy(.moons))
                    session.step()
                }
                return nil
            } catch let e as CheckpointError { return Self.judge(e.message) } catch { return "BUG: \(error)" }
        }
    }

    /// One tiny checkpoint per model (the seeds of the checkpoint corpus).
    static func writeCheckpointSeeds() throws {
        for kind in ModelKind.allCases {
            var c = ModelConfig.defaults(for: kind)
            c.hidden = [4, 4]
            c.batchSize = 16
            if kind != .ffjord && kind != .ctf { c.layers = 2 }
            if kind == .ffjord { c.cnf?.solver = "rk4"; c.cnf?.steps = 2 }
            if kind == .rad { c.rad?.gateHidden = [4] }
            if kind == .ctf { c.ctf?.energyHidden = [4]; c.ctf?.directions = 4; c.ctf?.langevinSteps = 1 }
            let s = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.moons))
            s.step()
            let url = corpus.appendingPathComponent("checkpoint/\(kind.rawValue).json")
            try Checkpoint(session: s).encoded().write(to: url)
        }
    }
}

/// Input mutations for the fuzzer: deterministic given the generator.
enum Mutator {
    static let tokens: [String] = [
        "-", "-1", "0", "1e39", "-1e39", "1e-50", "99999999999999999999", "9223372036854775807",
        "-9223372036854775808", "NaN", "nan", "inf", "-inf", "1e30", "0x10", "\"", "\\", "[", "]", "{", "}",
        ",", ":", "\n", "\r\n", "\r", "#", "x,y", "null", "true", "\"\"", "[]", "{}", " ", "\t", "\u{FEFF}",
        "é", "\u{0}", "1,2", "1.5", ".", "e", "+", "2147483648", "4096", "257",
    ]

    static func mutate(_ seed: Data, corpus: [Data], using rng: inout Xoshiro256) -> Data {
        var b = [UInt8](seed)
        // Half the inputs only have numbers swapped: they stay valid JSON/CSV and reach the
        // checks behind the parser.
        let numbersOnly = rng.index(below: 2) == 0
        for _ in 0..<(1 + rng.index(below: 4)) {
            let n = b.count
            switch numbersOnly ? 6 : rng.index(below: 9) {
            case 0 where n > 0:  // flip a bit
                b[rng.index(below: n)] ^= UInt8(1) << UInt8(rng.index(below: 8))
            case 1 where n > 0:  // a random byte
                b[rng.index(below: n)] = UInt8(rng.index(below: 256))
            case 2:  // insert a token
                b.insert(contentsOf: Array(tokens[rng.index(below: tokens.count)].utf8), at: rng.index(below: n + 1))
            case 3 where n > 0:  // delete a range
                let i = rng.index(below: n)
                b.removeSubrange(i..<min(n, i + 1 + rng.index(below: 16)))
            case 4 where n > 0:  // duplicate a range
                let i = rng.index(below: n), j = min(n, i + 1 + rng.index(below: 64))
                b.insert(contentsOf: Array(b[i..<j]), at: rng.index(below: n + 1))
            case 5 where n > 0:  // truncate
                b.removeSubrange(rng.index(below: n)..<n)
            case 6, 7:  // replace a number with an interesting one
                func digit(_ k: Int) -> Bool { b[k] >= 0x30 && b[k] <= 0x39 }
                guard n > 0 else { continue }
                var i = rng.index(below: n)
                while i < n, !digit(i) { i += 1 }
                guard i < n else { continue }
                while i > 0, digit(i - 1) || b[i - 1] == 0x2E || b[i - 1] == 0x2D { i -= 1 }
                var j = i
                while j < n, (b[j] >= 0x30 && b[j] <= 0x39) || b[j] == 0x2E || b[j] == 0x65 || b[j] == 0x2D { j += 1 }
                let numbers = tokens.filter { $0.first.map { $0.isNumber || $0 == "-" } ?? false }
                b.replaceSubrange(i..<j, with: Array(numbers[rng.index(below: numbers.count)].utf8))
            case 8:  // splice with another seed
                let other = [UInt8](corpus[rng.index(below: corpus.count)])
                guard !other.isEmpty, n > 0 else { continue }
                let cut = rng.index(below: n), from = rng.index(below: other.count)
                b = Array(b[..<cut]) + Array(other[from...])
            default: break
            }
        }
        return Data(b)
    }
}
