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
/// Non-finite losses or gradients never reach the parameters, and neither does a finite loss
/// that has diverged (far above the best smoothed loss): the step is discarded, the last good
/// parameters (saved every `snapshotInterval` steps while the loss is healthy) are restored,
/// and the learning rate is halved, down to `minimumLearningRate`. The event is reported in
/// `StepMetrics.recoveredFromNonFinite`, with the lowered rate in `learningRate`.
package final class TrainingSession {
    package let model: any FlowLabModel
    package let dataset: Dataset
    package private(set) var optimizer: Adam
    package private(set) var rng: Xoshiro256
    package private(set) var iteration = 0
    package private(set) var nonFiniteEvents = 0
    package var config: ModelConfig { model.config }

    static let snapshotInterval = 25
    private var lastGood: [Matrix]

    /// The lowest learning rate training falls back to (the explorer's `-` floor too).
    package static let minimumLearningRate: Float = 1e-6

    /// Divergence: a finite loss this far above the best smoothed loss so far is treated like a
    /// non-finite one (Real NVP at lr 1 climbs to 1e10 without ever producing NaN).
    static func divergenceMargin(best: Double) -> Double { max(1_000, 100 * abs(best)) }
    private var smoothedLoss: Double?
    private var bestLoss: Double?

    /// Data-parallel shards and their runner (nil: one shard, in the caller's thread).
    private var parallel: DataParallel?

    /// Splits every batch into `threads` shards whose gradients `runner` computes (at the same
    /// time, if it runs them on threads) and sums in a fixed order. With `threads == 1` the
    /// session is exactly the single-threaded one. `lockstep` says the runner runs every shard
    /// at the same time on a thread of its own (a `ShardPool`); then the shards' adaptive ODE
    /// solves share their error norms and take the whole batch's steps (`LockstepSums`).
    /// There are never more shards than batch rows: an empty shard has nothing to compute.
    package func useShards(_ threads: Int, runner: @escaping ShardRunner, lockstep: Bool = false) throws {
        let shards = min(threads, model.config.batchSize)
        parallel = shards > 1
            ? try DataParallel(model: model, dataset: dataset, threads: shards, runner: runner, lockstep: lockstep)
            : nil
    }

    /// How many shards each batch is split into.
    package var shardCount: Int { parallel?.shards ?? 1 }

    package init(model: any FlowLabModel, dataset: Dataset) {
        self.model = model
        self.dataset = dataset
        self.optimizer = Adam(learningRate: model.config.learningRate, weightDecay: model.config.weightDecay)
        // Separate streams: the parameter init used `seed`; training draws from seed+1.
        self.rng = Xoshiro256(seed: model.config.seed &+ 0x9E37_79B9)
        model.attach(to: dataset)
        // After `attach`: a model's optimiser settings may depend on what it trains on.
        if let beta1 = model.adamBeta1 { optimizer.beta1 = beta1 }
        var initRNG = Xoshiro256(seed: model.config.seed &+ 17)
        model.prepare(with: dataset.sample(count: max(512, model.config.batchSize), using: &initRNG))
        self.lastGood = model.parameters.map(\.value)
        self.baseLearningRate = model.config.learningRate
    }

    /// Resumes from checkpoint state.
    package func restore(iteration: Int, optimizer: Adam, rng: Xoshiro256) {
        self.iteration = iteration
        self.optimizer = optimizer
        self.rng = rng
        self.lastGood = model.parameters.map(\.value)
    }

    /// Changes the learning rate (explorer `+`/`-`).
    package func setLearningRate(_ lr: Float) { baseLearningRate = lr; applySchedule() }

    /// The learning rate before the schedule (halved on non-finite steps, set by the user).
    package private(set) var baseLearningRate: Float = 0

    /// lr_t = lr · (0.05 + 0.95 · ½(1 + cos(π t/T))) when `cosineDecay` is on.
    private func applySchedule() {
        var factor: Float = 1
        if config.cosineDecay && config.iterations > 0 {
            factor = Float(Self.cosineFactor(progress: Double(iteration) / Double(config.iterations)))
        }
        optimizer.learningRate = baseLearningRate * factor
    }

    /// The cosine schedule's factor 0.05 + 0.95 · ½(1 + cos(π p)) at progress p (clamped to [0, 1]).
    package static func cosineFactor(progress: Double) -> Double {
        0.05 + 0.95 * 0.5 * (1 + Foundation_cos(Double.pi * min(1, max(0, progress))))
    }

    @discardableResult
    package func step() -> StepMetrics {
        let params = model.parameters
        let batch = dataset.isEnergy ? Matrix(rows: config.batchSize, cols: 2)
                                     : dataset.sample(count: config.batchSize, using: &rng)
        applySchedule()
        Gradients.zero(params)
        // The graph lives only inside this closure: it holds references to the parameter
        // storage, and releasing it before the update keeps Adam's writes copy-free.
        let (lossValue, figures, modelMessage): (Double, Figures, String?) = {
            if let parallel {
                return parallel.lossAndGradients(model: model, batch: batch, dataset: dataset, iteration: iteration, using: &rng)
            }
            let result = model.loss(batch: batch, dataset: dataset, iteration: iteration, using: &rng)
            let (figures, message) = result.backward()
            return (Double(result.loss.scalar), figures, message)
        }()
        var recovered = false
        var message = modelMessage
        let gradNorm = lossValue.isFinite ? Gradients.norm(params) : .nan
        let diverged = lossValue.isFinite && bestLoss.map { lossValue > $0 + Self.divergenceMargin(best: $0) } == true
        if !lossValue.isFinite || !gradNorm.isFinite || diverged {
            if diverged && message == nil {
                message = String(format: "loss diverged to %.3g (best %.3g)", lossValue, bestLoss ?? .nan)
            }
            for (p, v) in zip(params, lastGood) { p.value = v }
            Gradients.zero(params)
            baseLearningRate = max(Self.minimumLearningRate, baseLearningRate * 0.5)
            applySchedule()  // report (and use) the lowered rate from this step on
            smoothedLoss = nil
            nonFiniteEvents += 1
            recovered = true
        } else {
            let smoothed = smoothedLoss.map { 0.9 * $0 + 0.1 * lossValue } ?? lossValue
            smoothedLoss = smoothed
            bestLoss = min(bestLoss ?? smoothed, smoothed)
            Gradients.clip(params, maxNorm: config.maxGradNorm, norm: gradNorm)
            optimizer.update(params, rateScales: model.learningRateScales, runner: parallel?.runner, shards: shardCount)
            Gradients.zero(params)
        }
        iteration += 1
        // Only healthy parameters become the ones to fall back to.
        if !recovered && iteration % TrainingSession.snapshotInterval == 0,
           let smoothed = smoothedLoss, let best = bestLoss, smoothed <= best + Self.divergenceMargin(best: best) / 10 {
            lastGood = params.map(\.value)
        }
        return StepMetrics(iteration: iteration, loss: lossValue, gradNorm: gradNorm,
                           learningRate: Double(optimizer.learningRate),
                           recoveredFromNonFinite: recovered, figures: figures, message: message)
    }
}
