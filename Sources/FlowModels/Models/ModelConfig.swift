import FlowCore
import FlowData

/// The architecture and training configuration of one model: enough to rebuild it exactly
/// (with `initSeed`) before loading parameters from a checkpoint.
package struct ModelConfig: Sendable, Codable, Equatable {
    package var kind: ModelKind
    /// Flow depth (coupling steps).
    package var layers: Int
    /// Widths of the conditioner networks' hidden layers.
    package var hidden: [Int]
    package var activation: Activation
    /// Bound B of the coupling log-scale, s = B·tanh(ŝ/B).
    package var scaleBound: Float
    package var batchSize: Int
    package var learningRate: Float
    package var weightDecay: Float
    package var iterations: Int
    /// Global gradient-norm clip.
    var maxGradNorm: Double
    package var seed: UInt64
    /// Cosine learning-rate decay to 5 % of `learningRate` over `iterations` (headless runs);
    /// the explorer trains open-ended at a constant rate.
    package var cosineDecay: Bool = true
    /// FFJORD's solver, trace and gradient options (nil for other models).
    package var cnf: CNFOptions? = nil
    /// RAD's pieces and gate options (nil for other models).
    package var rad: RADOptions? = nil
    /// CTF's Langevin and distillation options (nil for other models).
    package var ctf: CTFOptions? = nil
    /// GLF's latent, stop-gradient and β options (nil for other models).
    package var glf: GLFOptions? = nil
    /// The fixed affine map applied before the model (a user's CSV; `StandardizedModel`), nil
    /// for the toy datasets, energy targets and checkpoints written before it existed.
    package var standardization: Standardization? = nil

    /// The shared base every model's defaults start from: 64-64 tanh networks, Adam at 2e-3,
    /// batch 256, 10 layers, 5000 iterations.
    static func base(_ kind: ModelKind) -> ModelConfig {
        ModelConfig(kind: kind, layers: 10, hidden: [64, 64], activation: .tanh, scaleBound: 3,
                    batchSize: 256, learningRate: 2e-3, weightDecay: 0, iterations: 5000,
                    maxGradNorm: 100, seed: 1)
    }

    /// Defaults per model (its descriptor changes the base), chosen so a default run gets near
    /// the entropy floor on 8gaussians and moons in well under a minute on one core; some
    /// models tune them to the dataset (CTF on energy targets).
    package static func defaults(for kind: ModelKind, dataset: Dataset? = nil) -> ModelConfig {
        var c = base(kind)
        kind.descriptor.configure(&c, dataset)
        c.standardization = dataset?.standardization
        if case .csv(let points)? = dataset, points.train.rows < smallDataRows { c.adaptToSmallData() }
        return c
    }

    /// CSV training splits below this many rows count as small data.
    static let smallDataRows = 1000

    /// Smaller defaults for a small CSV, where the spline and RAD flows overfit within a few
    /// hundred steps (measured on 272-row geyser-like tables, README "Your own data"): nsf and
    /// rad get 4 layers of 32-32 networks, rad also a learning rate of 5e-4. Early stopping
    /// (`EarlyStopping`) does the rest for every model.
    mutating func adaptToSmallData() {
        switch kind {
        case .nsf:
            layers = min(layers, 4); hidden = [32, 32]
        case .rad:
            layers = min(layers, 4); hidden = [32, 32]; learningRate = min(learningRate, 5e-4)
        default:
            break
        }
    }

    /// The widest hidden layer, and the most hidden layers, a configuration may have.
    package static let maxHiddenWidth = 4096, maxHiddenLayers = 16

    /// Parses `--hidden 64-64-64`: positive widths joined by single '-'.
    package static func parseHidden(_ text: String) throws -> [Int] {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard !text.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            throw ModelError("--hidden expects positive widths joined by '-', e.g. 64-64, got '\(text)'")
        }
        return parts.map { Int($0) ?? Int.max }
    }

    /// The checks every model shares, made wherever a configuration becomes a model (the CLI,
    /// a checkpoint, the explorer's presets): `ModelFactory.make` runs them before the model's
    /// own. Messages name the command-line flag.
    package func validate() throws {
        guard iterations >= 0 else { throw ModelError("--iters must be >= 0") }
        guard iterations <= 100_000_000 else { throw ModelError("--iters must be at most 100000000") }
        guard (1...1_000_000).contains(batchSize) else { throw ModelError("--batch must be between 1 and 1000000") }
        guard learningRate > 0 && learningRate < 10 else { throw ModelError("--lr must be a positive number below 10") }
        guard (1...256).contains(layers) else { throw ModelError("--layers must be between 1 and 256") }
        if let bad = hidden.first(where: { $0 < 1 || $0 > Self.maxHiddenWidth }) {
            throw ModelError("--hidden widths must be between 1 and \(Self.maxHiddenWidth), got \(bad == Int.max ? "a larger number" : String(bad))")
        }
        guard !hidden.isEmpty, hidden.count <= Self.maxHiddenLayers else {
            throw ModelError("--hidden takes 1 to \(Self.maxHiddenLayers) widths, got \(hidden.count)")
        }
    }
}

/// A model-level problem with one clear, user-facing line.
package struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
