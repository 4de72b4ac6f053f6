import Foundation
import FlowCore
import FlowData

/// A saved model: one versioned JSON document (schema in `docs/checkpoint-format.md`).
///
/// Writing is atomic (a temporary file in the same directory, then rename), so a crash or a
/// full disk never leaves a half-written checkpoint behind a good one. Reading checks the
/// format tag, the version, the model id, and every parameter's name and shape, and fails
/// with one clear line otherwise.
public struct Checkpoint: Codable, Sendable {
    public static let formatTag = "flowlab-checkpoint"
    public static let currentVersion = 1

    public struct Tensor: Codable, Sendable {
        public var name: String
        public var rows: Int
        public var cols: Int
        public var values: [Float]
    }

    public struct TrainingState: Codable, Sendable {
        public var iteration: Int
        public var learningRate: Float
        public var adam: Adam
        public var rng: Xoshiro256
    }

    public var format: String
    public var version: Int
    public var model: ModelKind
    public var dataset: String
    public var config: ModelConfig
    public var training: TrainingState
    public var parameters: [Tensor]

    /// Captures a session.
    public init(session: TrainingSession) {
        format = Checkpoint.formatTag
        version = Checkpoint.currentVersion
        model = session.config.kind
        dataset = session.dataset.name
        config = session.config
        training = TrainingState(iteration: session.iteration, learningRate: session.baseLearningRate,
                                 adam: session.optimizer, rng: session.rng)
        parameters = session.model.parameters.map {
            Tensor(name: $0.name, rows: $0.value.rows, cols: $0.value.cols, values: $0.value.storage)
        }
    }

    // MARK: writing

    public func encoded() throws -> Data {
        guard parameters.allSatisfy({ $0.values.allSatisfy(\.isFinite) }) else {
            throw CheckpointError("refusing to save: the model has non-finite parameters")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes atomically to `path`, through a symbolic link to its target; refuses to replace
    /// anything that is not a regular file (a device, a directory).
    public func write(to path: String) throws {
        let data = try encoded()
        do {
            try SafeFile.write(data, to: path)
        } catch let e as SafeFile.Failure {
            throw CheckpointError("cannot write checkpoint '\(path)': \(e.reason)")
        }
    }

    /// Checks, before any work is done, that `write(to:)` could create or replace `path`.
    public static func checkDestination(_ path: String) throws {
        do { try SafeFile.checkDestination(path) } catch let e as SafeFile.Failure {
            throw CheckpointError("cannot write checkpoint '\(path)': \(e.reason)")
        }
    }

    // MARK: reading

    /// Reads and validates a checkpoint file.
    public static func read(from path: String) throws -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("cannot read checkpoint '\(path)' (missing or unreadable)")
        }
        return try decode(data, source: path)
    }

    public static func decode(_ data: Data, source: String) throws -> Checkpoint {
        // 1. The envelope, leniently, so a future or foreign file gets the right message.
        //    Only the small top-level fields are decoded here (found by a byte scan), so a
        //    huge file costs nothing before its size is checked against its configuration.
        guard let fields = topLevelFields(data) else {
            throw CheckpointError("'\(source)' is not a FlowLab checkpoint (not valid JSON — truncated or corrupt?)")
        }
        var head = Data("{".utf8)
        for key in ["format", "version", "model", "config"] {
            guard let r = fields[key] else { continue }
            if head.count > 1 { head.append(UInt8(ascii: ",")) }
            head.append(contentsOf: Data("\"\(key)\":".utf8))
            head.append(data[(data.startIndex + r.lowerBound)..<(data.startIndex + r.upperBound)])
        }
        head.append(UInt8(ascii: "}"))
        let envelope: Envelope
        do { envelope = try JSONDecoder().decode(Envelope.self, from: head) } catch {
            throw CheckpointError("'\(source)' is not a FlowLab checkpoint (not valid JSON — truncated or corrupt?)")
        }
        guard envelope.isObject, envelope.format == formatTag else {
            throw CheckpointError("'\(source)' is not a FlowLab checkpoint (no \"format\": \"\(formatTag)\")")
        }
        guard let version = envelope.version else {
            throw CheckpointError("'\(source)': checkpoint has no version number")
        }
        guard version <= currentVersion else {
            throw CheckpointError("'\(source)' was written by a newer FlowLab (checkpoint version \(version)); this build reads version \(currentVersion)")
        }
        guard version >= 1 else {
            throw CheckpointError("'\(source)': checkpoint version \(version) is not valid (versions start at 1)")
        }
        guard let modelName = envelope.model, ModelKind(rawValue: modelName) != nil else {
            throw CheckpointError("'\(source)': unknown model id '\(envelope.model ?? "none")'")
        }
        // 2. The configuration alone, to size the parameters before decoding any array: a
        //    file far larger than its model needs is refused without decoding it.
        let header = try decoding(source, json: head) { try JSONDecoder().decode(Header.self, from: head) }
        try validate(config: header.config, source: source)
        let floor = header.config.minimumParameterCount
        guard floor <= data.count / 2 else {
            throw CheckpointError("'\(source)': checkpoint is too small (\(data.count) bytes) for its configuration (at least \(floor) parameters)")
        }
        let built: any GenerativeModel
        do { built = try ModelFactory.make(header.config) } catch let e as ModelError {
            throw CheckpointError("'\(source)': \(e.message)")
        }
        let count = built.parameters.reduce(0) { $0 + $1.value.count }
        // Parameters and Adam's two moments, at most ~64 bytes a value even pretty-printed.
        let limit = 3 * count * 64 + (1 << 20)
        guard data.count <= limit else {
            throw CheckpointError("'\(source)': checkpoint is \(data.count) bytes but a '\(modelName)' model of this configuration (\(count) parameters) needs at most \(limit); refusing to decode it")
        }
        // 3. Everything, then the values no type can check.
        let checkpoint = try decoding(source, json: data) { try JSONDecoder().decode(Checkpoint.self, from: data) }
        try checkpoint.validateState(parameterCounts: built.parameters.map(\.value.count), source: source)
        return checkpoint
    }

    /// The byte ranges of the values of a JSON object's top-level keys, by one scan that only
    /// tracks strings and nesting (nil when `data` is not an object or is cut short). The
    /// values are not checked here; the decoder does that.
    static func topLevelFields(_ data: Data) -> [String: Range<Int>]? {
        let bytes = [UInt8](data)
        var i = 0
        let n = bytes.count
        func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
        /// Moves past a string starting at `i` (a quote); false if it never ends.
        func skipString() -> Bool {
            i += 1
            while i < n {
                if bytes[i] == 0x5C { i += 2; continue }
                if bytes[i] == 0x22 { i += 1; return true }
                i += 1
            }
            return false
        }
        skipSpace()
        guard i < n, bytes[i] == 0x7B else { return nil }  // {
        i += 1
        var fields: [String: Range<Int>] = [:]
        while true {
            skipSpace()
            guard i < n else { return nil }
            if bytes[i] == 0x7D { return fields }  // }
            guard bytes[i] == 0x22 else { return nil }
            let keyStart = i + 1
            guard skipString() else { return nil }
            let key = String(decoding: bytes[keyStart..<(i - 1)], as: UTF8.self)
            skipSpace()
            guard i < n, bytes[i] == 0x3A else { return nil }  // :
            i += 1
            skipSpace()
            let valueStart = i
            var depth = 0
            scan: while i < n {
                switch bytes[i] {
                case 0x22: guard skipString() else { return nil }; continue scan
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    if depth == 0 { break scan }
                    depth -= 1
                case 0x2C: if depth == 0 { break scan }
                default: break
                }
                i += 1
            }
            guard i < n, i > valueStart else { return nil }
            var end = i
            while end > valueStart, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
            // A repeated key could hide a different configuration from the size check.
            guard fields[key] == nil else { return nil }
            fields[key] = valueStart..<end
            if bytes[i] == 0x2C { i += 1 }
        }
    }

    /// Runs a decoder and turns its errors into one clear line naming the field.
    private static func decoding<T>(_ source: String, json: Data? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let DecodingError.keyNotFound(key, _) {
            throw CheckpointError("'\(source)': checkpoint is missing the field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            throw CheckpointError("'\(source)': checkpoint field '\(fieldPath(ctx))' has the wrong type")
        } catch let DecodingError.dataCorrupted(ctx) {
            let path = fieldPath(ctx)
            let text = ctx.debugDescription + " " + (ctx.underlyingError.map { "\($0)" } ?? "")
            var outOfRange = text.contains("fit") || text.contains("Number") || text.contains("range")
            // The decoder reports a Float overflow (1e39) as invalid JSON; tell them apart.
            if path.isEmpty, !outOfRange, let json, (try? JSONSerialization.jsonObject(with: json)) != nil { outOfRange = true }
            if path.isEmpty {
                throw CheckpointError(outOfRange ? "'\(source)': checkpoint has a number out of range (e.g. beyond Float's ±3.4e38)"
                                                 : "'\(source)' is not a FlowLab checkpoint (not valid JSON — truncated or corrupt?)")
            }
            let detail = outOfRange ? "a number out of range" : "an invalid value"
            throw CheckpointError("'\(source)': checkpoint field '\(path)' has \(detail)")
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw CheckpointError("'\(source)': checkpoint cannot be decoded (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
    }

    private static func fieldPath(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The first fields, decoded leniently (any of them may be missing or of the wrong type).
    private struct Envelope: Decodable {
        var isObject = false
        var format: String?
        var version: Int?
        var model: String?
        enum Key: String, CodingKey { case format, version, model }
        init(from decoder: Decoder) throws {
            // Any valid JSON decodes; only an object can be a checkpoint.
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            isObject = true
            format = try? c.decode(String.self, forKey: .format)
            version = try? c.decode(Int.self, forKey: .version)
            model = try? c.decode(String.self, forKey: .model)
        }
    }

    private struct Header: Decodable { var config: ModelConfig }

    /// Values of a configuration that decode but no model can be built from.
    static func validate(config c: ModelConfig, source: String) throws {
        func bad(_ what: String) -> CheckpointError { CheckpointError("'\(source)': checkpoint configuration has \(what)") }
        guard c.layers >= 1, c.layers <= 256 else { throw bad("layers \(c.layers) (1 to 256)") }
        guard !c.hidden.isEmpty, c.hidden.count <= 16, c.hidden.allSatisfy({ $0 >= 1 && $0 <= 4096 }) else {
            throw bad("invalid hidden widths \(c.hidden) (1 to 16 widths, each 1 to 4096)")
        }
        guard c.scaleBound.isFinite, c.scaleBound > 0 else { throw bad("scaleBound \(c.scaleBound) (must be positive)") }
        guard c.batchSize >= 1, c.batchSize <= 1_000_000 else { throw bad("batchSize \(c.batchSize) (1 to 1000000)") }
        guard c.learningRate.isFinite, c.learningRate > 0 else { throw bad("learningRate \(c.learningRate) (must be positive)") }
        guard c.weightDecay.isFinite, c.weightDecay >= 0 else { throw bad("weightDecay \(c.weightDecay) (must be >= 0)") }
        guard c.iterations >= 0 else { throw bad("iterations \(c.iterations) (must be >= 0)") }
        guard c.maxGradNorm.isFinite, c.maxGradNorm > 0 else { throw bad("maxGradNorm \(c.maxGradNorm) (must be positive)") }
        if let o = c.cnf {
            guard o.steps >= 1, o.steps <= 10_000, o.maxSteps >= 1, o.maxSteps <= 100_000 else { throw bad("invalid ODE steps (steps \(o.steps), maxSteps \(o.maxSteps))") }
            guard o.time.isFinite, o.time > 0, o.time < 100 else { throw bad("ODE time \(o.time) (in (0, 100))") }
            guard o.atol.isFinite, o.rtol.isFinite, o.atol > 0, o.rtol > 0 else { throw bad("invalid tolerances") }
            guard o.kinetic.isFinite, o.kinetic >= 0, o.jacobian.isFinite, o.jacobian >= 0 else { throw bad("invalid regulariser weights") }
        }
        if let o = c.rad {
            guard o.pieces >= 3, o.pieces <= 15, o.pieces % 2 == 1 else { throw bad("pieces \(o.pieces) (odd, 3 to 15)") }
            guard !o.gateHidden.isEmpty, o.gateHidden.count <= 16, o.gateHidden.allSatisfy({ $0 >= 1 && $0 <= 4096 }) else {
                throw bad("invalid gate widths \(o.gateHidden)")
            }
        }
        if let o = c.ctf {
            guard o.step.isFinite, o.step > 0, o.step < 1 else { throw bad("Langevin step \(o.step) (in (0, 1))") }
            guard o.langevinSteps >= 1, o.langevinSteps <= 100 else { throw bad("Langevin steps \(o.langevinSteps) (1 to 100)") }
            guard o.directions >= 1, o.directions <= 4096 else { throw bad("directions \(o.directions) (1 to 4096)") }
            guard !o.energyHidden.isEmpty, o.energyHidden.count <= 16, o.energyHidden.allSatisfy({ $0 >= 1 && $0 <= 4096 }) else {
                throw bad("invalid energy widths \(o.energyHidden)")
            }
            guard o.gradientPenalty.isFinite, o.gradientPenalty >= 0, o.scalePenalty.isFinite, o.scalePenalty >= 0 else {
                throw bad("invalid penalties")
            }
        }
        if let o = c.glf {
            guard o.latent == 1 || o.latent == 2 else { throw bad("latent \(o.latent) (1 or 2)") }
            guard o.beta.isFinite, o.beta > 0, o.codeNoise.isFinite, o.codeNoise >= 0 else { throw bad("invalid beta or code noise") }
            guard o.splineBins >= 2, o.splineBins <= 256 else { throw bad("splineBins \(o.splineBins) (2 to 256)") }
        }
    }

    /// Training state and names that decode but cannot be resumed.
    func validateState(parameterCounts: [Int], source: String) throws {
        func bad(_ what: String) -> CheckpointError { CheckpointError("'\(source)': checkpoint \(what)") }
        guard dataset.hasPrefix("csv:") || Dataset.builtinNames.contains(dataset) else {
            throw bad("names an unknown dataset '\(dataset)'")
        }
        guard training.iteration >= 0 else { throw bad("training.iteration \(training.iteration) is negative") }
        // Counters far beyond any run (they are incremented every step).
        let maxCount = 1 << 48
        guard training.iteration <= maxCount else { throw bad("training.iteration \(training.iteration) is out of range") }
        guard training.adam.step <= maxCount else { throw bad("training.adam.step \(training.adam.step) is out of range") }
        guard training.learningRate.isFinite, training.learningRate > 0 else {
            throw bad("training.learningRate \(training.learningRate) is not a positive number")
        }
        let a = training.adam
        guard a.step >= 0, a.learningRate.isFinite, a.weightDecay.isFinite, a.beta1 >= 0, a.beta1 < 1,
              a.beta2 >= 0, a.beta2 < 1, a.epsilon > 0, a.epsilon.isFinite else {
            throw bad("has an invalid optimizer state (training.adam)")
        }
        if !a.firstMoments.isEmpty || !a.secondMoments.isEmpty {
            guard a.firstMoments.map(\.count) == parameterCounts, a.secondMoments.map(\.count) == parameterCounts else {
                throw bad("optimizer moments (training.adam) do not match the model's \(parameterCounts.count) parameter tensors")
            }
            guard a.firstMoments.allSatisfy({ $0.allSatisfy(\.isFinite) }), a.secondMoments.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 } }) else {
                throw bad("optimizer moments (training.adam) contain invalid values")
            }
        }
        let r = training.rng
        guard r.s0 | r.s1 | r.s2 | r.s3 != 0 else { throw bad("random state (training.rng) is all zero") }
    }

    /// Rebuilds the model and loads the parameters, checking names and shapes.
    /// - Parameter expected: when given, the checkpoint must be of this model.
    public func makeModel(expected: ModelKind? = nil) throws -> any FlowLabModel {
        if let expected, expected != model {
            throw CheckpointError("checkpoint holds a '\(model.rawValue)' model, expected '\(expected.rawValue)'")
        }
        guard config.kind == model else {
            throw CheckpointError("checkpoint is inconsistent: model '\(model.rawValue)' but configuration for '\(config.kind.rawValue)'")
        }
        guard config.layers >= 1, config.layers <= 256, !config.hidden.isEmpty,
              config.hidden.allSatisfy({ $0 >= 1 && $0 <= 4096 }) else {
            throw CheckpointError("checkpoint has an invalid architecture (layers \(config.layers), hidden \(config.hidden))")
        }
        do { try Checkpoint.validate(config: config, source: "checkpoint") } catch let e as CheckpointError {
            throw CheckpointError(String(e.message.dropFirst("'checkpoint': ".count)))
        }
        let built: any FlowLabModel
        do { built = try ModelFactory.make(config) } catch let e as ModelError { throw CheckpointError(e.message) }
        let params = built.parameters
        guard params.count == parameters.count else {
            throw CheckpointError("checkpoint does not match the '\(model.rawValue)' architecture: \(parameters.count) tensors, expected \(params.count)")
        }
        for (p, t) in zip(params, parameters) {
            guard p.name == t.name, p.value.rows == t.rows, p.value.cols == t.cols else {
                throw CheckpointError("checkpoint tensor '\(t.name)' (\(t.rows)x\(t.cols)) does not match '\(p.name)' (\(p.value.rows)x\(p.value.cols)) of the '\(model.rawValue)' architecture")
            }
            guard t.values.count == p.value.count else {
                throw CheckpointError("checkpoint tensor '\(t.name)' (\(t.rows)x\(t.cols)) has \(t.values.count) values, expected \(p.value.count)")
            }
            guard t.values.allSatisfy(\.isFinite) else {
                throw CheckpointError("checkpoint tensor '\(t.name)' contains NaN or inf")
            }
        }
        for (p, t) in zip(params, parameters) { p.value = Matrix(rows: t.rows, cols: t.cols, storage: t.values) }
        built.didLoadParameters()
        guard dataset.hasPrefix("csv:") || Dataset.builtinNames.contains(dataset) else {
            throw CheckpointError("checkpoint names an unknown dataset '\(dataset)'")
        }
        if !dataset.hasPrefix("csv:"), let ds = try? Dataset(name: dataset) { built.attach(to: ds) }
        return built
    }

    /// Rebuilds a resumable training session (needs the dataset to be available).
    public func makeSession(dataset: Dataset? = nil) throws -> TrainingSession {
        let m = try makeModel()
        let ds: Dataset
        if let dataset { ds = dataset } else {
            do { ds = try Dataset(name: self.dataset) } catch let e as DatasetError { throw CheckpointError(e.message) }
        }
        let params = m.parameters.map(\.value)
        let session = TrainingSession(model: m, dataset: ds)
        // TrainingSession.init may run data-dependent init; loaded parameters take precedence.
        for (p, v) in zip(m.parameters, params) { p.value = v }
        session.restore(iteration: training.iteration, optimizer: training.adam, rng: training.rng)
        session.setLearningRate(training.learningRate)
        return session
    }
}

/// A checkpoint problem with one clear, user-facing line.
public struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ModelConfig {
    /// A lower bound on the parameter count of any model of this configuration (one network
    /// of the given hidden widths), computed without building it.
    var minimumParameterCount: Int {
        var n = 0
        for (a, b) in zip(hidden, hidden.dropFirst()) { n += a * b }
        return n + hidden.reduce(0, +)
    }
}
