import Foundation
import FlowCore
import FlowData

/// A saved model: one versioned JSON document (schema in `docs/checkpoint-format.md`).
///
/// Writing is atomic (a temporary file in the same directory, then rename), so a crash or a
/// full disk never leaves a half-written checkpoint behind a good one. Reading checks the
/// format tag, the version, the model id, and every parameter's name and shape, and fails
/// with one clear line otherwise.
package struct Checkpoint: Codable, Sendable {
    static let formatTag = "flowlab-checkpoint"
    static let currentVersion = 1

    package struct Tensor: Codable, Sendable {
        package var name: String
        package var rows: Int
        package var cols: Int
        package var values: [Float]
    }

    package struct TrainingState: Codable, Sendable {
        package var iteration: Int
        package var learningRate: Float
        package var adam: Adam
        package var rng: Xoshiro256
    }

    package var format: String
    package var version: Int
    package var model: ModelKind
    package var dataset: String
    package var config: ModelConfig
    package var training: TrainingState
    package var parameters: [Tensor]

    /// Captures a session.
    package init(session: TrainingSession) {
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

    package func encoded() throws -> Data {
        guard parameters.allSatisfy({ $0.values.allSatisfy(\.isFinite) }) else {
            throw CheckpointError("refusing to save: the model has non-finite parameters")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes atomically to `path`, through a symbolic link to its target; refuses to replace
    /// anything that is not a regular file (a device, a directory).
    package func write(to path: String) throws {
        let data = try encoded()
        do {
            try SafeFile.write(data, to: path)
        } catch let e as SafeFile.Failure {
            throw CheckpointError("cannot write checkpoint '\(path)': \(e.reason)")
        }
    }

    /// Checks, before any work is done, that `write(to:)` could create or replace `path`.
    package static func checkDestination(_ path: String) throws {
        do { try SafeFile.checkDestination(path) } catch let e as SafeFile.Failure {
            throw CheckpointError("cannot write checkpoint '\(path)': \(e.reason)")
        }
    }

    // MARK: reading

    /// Reads and validates a checkpoint file.
    package static func read(from path: String) throws -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("cannot read checkpoint '\(path)' (missing or unreadable)")
        }
        return try decode(data, source: path)
    }

    // Long by design: the checks run in the order that keeps a hostile file cheap to refuse.
    package static func decode(_ data: Data, source: String) throws -> Checkpoint {
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

    /// Rebuilds the model and loads the parameters, checking names and shapes.
    /// - Parameter expected: when given, the checkpoint must be of this model.
    package func makeModel(expected: ModelKind? = nil) throws -> any FlowLabModel {
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
    package func makeSession(dataset: Dataset? = nil) throws -> TrainingSession {
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
package struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
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
