import FlowCore
import FlowData

/// The architecture and training configuration of one model: enough to rebuild it exactly
/// (with `initSeed`) before loading parameters from a checkpoint.
public struct ModelConfig: Sendable, Codable, Equatable {
    public var kind: ModelKind
    /// Flow depth (coupling steps).
    public var layers: Int
    /// Widths of the conditioner networks' hidden layers.
    public var hidden: [Int]
    public var activation: Activation
    /// Bound B of the coupling log-scale, s = B·tanh(ŝ/B).
    public var scaleBound: Float
    public var batchSize: Int
    public var learningRate: Float
    public var weightDecay: Float
    public var iterations: Int
    /// Global gradient-norm clip.
    public var maxGradNorm: Double
    public var seed: UInt64
    /// Cosine learning-rate decay to 5 % of `learningRate` over `iterations` (headless runs);
    /// the explorer trains open-ended at a constant rate.
    public var cosineDecay: Bool = true
    /// FFJORD's solver, trace and gradient options (nil for other models).
    public var cnf: CNFOptions? = nil
    /// RAD's pieces and gate options (nil for other models).
    public var rad: RADOptions? = nil
    /// CTF's Langevin and distillation options (nil for other models).
    public var ctf: CTFOptions? = nil
    /// GLF's latent, stop-gradient and β options (nil for other models).
    public var glf: GLFOptions? = nil

    /// Defaults per model, chosen so a default run gets near the entropy floor on 8gaussians and
    /// moons in well under a minute on one core (see README's model table for measured values).
    public static func defaults(for kind: ModelKind) -> ModelConfig {
        // Shared base: 64-64 tanh networks, Adam at 2e-3, batch 256; each model changes what it needs.
        var c = ModelConfig(kind: kind, layers: 10, hidden: [64, 64], activation: .tanh, scaleBound: 3,
                            batchSize: 256, learningRate: 2e-3, weightDecay: 0, iterations: 5000,
                            maxGradNorm: 100, seed: 1)
        switch kind {
        case .realnvp:
            break
        case .glow:
            c.layers = 8
            c.iterations = 8000
        case .rad:
            c.layers = 4
            c.rad = RADOptions()
        case .ffjord:
            // FFJORD's toy setup (batch 100, 64-64-64, weight decay 1e-5) with a faster rate.
            c.layers = 1
            c.hidden = [64, 64, 64]
            c.batchSize = 100
            c.learningRate = 5e-3
            c.weightDecay = 1e-5
            c.iterations = 2000
            c.cnf = CNFOptions()
        case .ctf:
            c.layers = 1
            c.learningRate = 1e-3
            c.iterations = 4000
            c.ctf = CTFOptions()
        case .glf:
            c.layers = 6
            c.scaleBound = 2
            c.learningRate = 1e-3
            c.glf = GLFOptions()
        }
        return c
    }

    /// Defaults tuned to what is trained: CTF sampling an energy target distils longer Langevin
    /// runs (20 steps of h = 0.03 per update, batch 512) than CTF modelling data, whose
    /// Langevin steps go through the energy network and cost far more, and whose energy
    /// network wants a lower learning rate.
    public static func defaults(for kind: ModelKind, dataset: Dataset?) -> ModelConfig {
        var c = defaults(for: kind)
        if kind == .ctf, let dataset, dataset.isEnergy {
            c.batchSize = 512
            c.iterations = 3000
            c.ctf?.langevinSteps = 20
            c.ctf?.step = 0.03
        } else if kind == .ctf {
            // The energy network is the unstable part of the data mode; a lower rate and a
            // larger Langevin step help (moons: test NLL 3.79 at lr 1e-3 and h 0.01, 3.45 at
            // lr 3e-4, 3.04 at lr 3e-4 and h 0.05).
            c.learningRate = 3e-4
            c.ctf?.step = 0.05
        }
        return c
    }

    /// Parses `--hidden 64-64-64`.
    public static func parseHidden(_ text: String) throws -> [Int] {
        let parts = text.split(separator: "-").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 4096 }) else {
            throw ModelError("--hidden expects positive widths joined by '-', e.g. 64-64, got '\(text)'")
        }
        return parts.map { $0! }
    }
}

/// A model-level problem with one clear, user-facing line.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
