import Foundation
import FlowCore
import FlowData

/// Reading a checkpoint defensively: locating the top-level fields without decoding the
/// arrays, decoding with one clear line per error, and validating configuration and state.
extension Checkpoint {
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
    static func decoding<T>(_ source: String, json: Data? = nil, _ body: () throws -> T) throws -> T {
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

    static func fieldPath(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The first fields, decoded leniently (any of them may be missing or of the wrong type).
    struct Envelope: Decodable {
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

    struct Header: Decodable { var config: ModelConfig }

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
            guard o.gateSine.isFinite, o.gateSine >= 0, o.gateSine <= 1000 else { throw bad("gate sine frequency \(o.gateSine) (0 to 1000)") }
            guard o.foldWidth.isFinite, o.foldWidth > 0, o.foldWidth <= 1000 else { throw bad("fold width \(o.foldWidth) (in (0, 1000])") }
            guard o.gateRateScale.isFinite, o.gateRateScale > 0, o.gateRateScale <= 1000 else { throw bad("gate rate scale \(o.gateRateScale) (in (0, 1000])") }
            guard o.trailingAffine >= 0, o.trailingAffine <= 64 else { throw bad("trailing affine couplings \(o.trailingAffine) (0 to 64)") }
        }
        if let o = c.ctf {
            guard o.step.isFinite, o.step > 0, o.step < 1 else { throw bad("Langevin step \(o.step) (in (0, 1))") }
            guard o.langevinSteps >= 1, o.langevinSteps <= 100 else { throw bad("Langevin steps \(o.langevinSteps) (1 to 100)") }
            guard o.directions >= 1, o.directions <= 4096 else { throw bad("directions \(o.directions) (1 to 4096)") }
            guard o.particlePool >= 1, o.particlePool <= 64 else { throw bad("particle pool \(o.particlePool) (1 to 64)") }
            guard o.viewLangevinSteps >= 1, o.viewLangevinSteps <= 800 else { throw bad("view Langevin steps \(o.viewLangevinSteps) (1 to 800)") }
            guard o.inputScale.isFinite, o.inputScale > 0, o.inputScale <= 100 else { throw bad("input scale \(o.inputScale) (in (0, 100])") }
            guard o.generatorRate.isFinite, o.generatorRate > 0, o.generatorRate <= 1000 else { throw bad("generator rate \(o.generatorRate) (in (0, 1000])") }
            guard !o.energyHidden.isEmpty, o.energyHidden.count <= 16, o.energyHidden.allSatisfy({ $0 >= 1 && $0 <= 4096 }) else {
                throw bad("invalid energy widths \(o.energyHidden)")
            }
            guard o.gradientPenalty.isFinite, o.gradientPenalty >= 0, o.scalePenalty.isFinite, o.scalePenalty >= 0 else {
                throw bad("invalid penalties")
            }
            guard o.energyAnnealShare.isFinite, o.energyAnnealShare > 0, o.energyAnnealShare <= 1 else {
                throw bad("energy anneal share \(o.energyAnnealShare) (in (0, 1])")
            }
            guard o.energyHoldRate.isFinite, o.energyHoldRate >= 0, o.energyHoldRate <= 1 else {
                throw bad("energy hold rate \(o.energyHoldRate) (0 to 1)")
            }
        }
        if let o = c.glf {
            guard o.latent == 1 || o.latent == 2 else { throw bad("latent \(o.latent) (1 or 2)") }
            guard o.beta.isFinite, o.beta > 0, o.codeNoise.isFinite, o.codeNoise >= 0 else { throw bad("invalid beta or code noise") }
            guard o.splineBins >= 2, o.splineBins <= 256 else { throw bad("splineBins \(o.splineBins) (2 to 256)") }
            guard o.splineCouplings >= 0, o.splineCouplings <= 64 else { throw bad("splineCouplings \(o.splineCouplings) (0 to 64)") }
            guard o.autoencoderRateScale.isFinite, o.autoencoderRateScale > 0, o.autoencoderRateScale <= 1000 else {
                throw bad("autoencoder rate scale \(o.autoencoderRateScale) (in (0, 1000])")
            }
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
}
