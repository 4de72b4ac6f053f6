import FlowCore
import FlowData
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func Foundation_cos(_ x: Double) -> Double { cos(x) }

/// A steppable training run: `step()` draws a batch, computes the loss, back-propagates,
/// clips and applies Adam. No threads, clocks or I/O — the CLI and the explorer drive it.
///
/// Non-finite losses or gradients never reach the parameters: the step is discarded, the
/// last good parameters (saved every `snapshotInterval` steps) are restored, and the learning
/// rate is halved. The event is reported in `StepMetrics.recoveredFromNonFinite`.
public final class TrainingSession {
    public let model: any FlowLabModel
    public let dataset: Dataset
    public private(set) var optimizer: Adam
    public private(set) var rng: Xoshiro256
    public private(set) var iteration = 0
    public private(set) var nonFiniteEvents = 0
    public var config: ModelConfig { model.config }

    static let snapshotInterval = 25
    private var lastGood: [Matrix]

    public init(model: any FlowLabModel, dataset: Dataset) {
        self.model = model
        self.dataset = dataset
        self.optimizer = Adam(learningRate: model.config.learningRate, weightDecay: model.config.weightDecay)
        // Separate streams: the parameter init used `seed`; training draws from seed+1.
        self.rng = Xoshiro256(seed: model.config.seed &+ 0x9E37_79B9)
        model.attach(to: dataset)
        var initRNG = Xoshiro256(seed: model.config.seed &+ 17)
        model.prepare(with: dataset.sample(count: max(512, model.config.batchSize), using: &initRNG))
        self.lastGood = model.parameters.map(\.value)
        self.baseLearningRate = model.config.learningRate
    }

    /// Resumes from checkpoint state.
    public func restore(iteration: Int, optimizer: Adam, rng: Xoshiro256) {
        self.iteration = iteration
        self.optimizer = optimizer
        self.rng = rng
        self.lastGood = model.parameters.map(\.value)
    }

    /// Changes the learning rate (explorer `+`/`-`).
    public func setLearningRate(_ lr: Float) { baseLearningRate = lr; applySchedule() }

    /// The learning rate before the schedule (halved on non-finite steps, set by the user).
    public private(set) var baseLearningRate: Float = 0

    /// lr_t = lr · (0.05 + 0.95 · ½(1 + cos(π t/T))) when `cosineDecay` is on.
    private func applySchedule() {
        var factor: Float = 1
        if config.cosineDecay && config.iterations > 0 {
            let progress = min(1, Double(iteration) / Double(config.iterations))
            factor = Float(0.05 + 0.95 * 0.5 * (1 + Foundation_cos(Double.pi * progress)))
        }
        optimizer.learningRate = baseLearningRate * factor
    }

    @discardableResult
    public func step() -> StepMetrics {
        let params = model.parameters
        let batch = dataset.isEnergy ? Matrix(rows: config.batchSize, cols: 2)
                                     : dataset.sample(count: config.batchSize, using: &rng)
        applySchedule()
        Gradients.zero(params)
        // The graph lives only inside this closure: it holds references to the parameter
        // storage, and releasing it before the update keeps Adam's writes copy-free.
        let (lossValue, figures, message): (Double, Figures, String?) = {
            let result = model.loss(batch: batch, dataset: dataset, iteration: iteration, using: &rng)
            let value = Double(result.loss.scalar)
            if value.isFinite && !result.gradientsComputed { result.loss.backward() }
            return (value, result.figures, result.message)
        }()
        var recovered = false
        let gradNorm = lossValue.isFinite ? Gradients.norm(params) : .nan
        if !lossValue.isFinite || !gradNorm.isFinite {
            for (p, v) in zip(params, lastGood) { p.value = v }
            Gradients.zero(params)
            baseLearningRate *= 0.5
            nonFiniteEvents += 1
            recovered = true
        } else {
            Gradients.clip(params, maxNorm: config.maxGradNorm)
            optimizer.update(params)
            Gradients.zero(params)
        }
        iteration += 1
        if !recovered && iteration % TrainingSession.snapshotInterval == 0 {
            lastGood = params.map(\.value)
        }
        return StepMetrics(iteration: iteration, loss: lossValue, gradNorm: gradNorm,
                           learningRate: Double(optimizer.learningRate),
                           recoveredFromNonFinite: recovered, figures: figures, message: message)
    }
}
