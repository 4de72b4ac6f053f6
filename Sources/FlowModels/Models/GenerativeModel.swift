import FlowCore
import FlowData
import FlowODE

/// A model's math, what the trainer, the CLI and the evaluation use: parameters, a loss,
/// sampling and (where tractable) the log-density. What the explorer shows of a model is the
/// separate `ModelInspection`; every registered model is both (`FlowLabModel`).
package protocol GenerativeModel: AnyObject {
    var config: ModelConfig { get }
    var parameters: [Variable] { get }

    /// Data-dependent initialisation from a first batch (no-op for most models).
    func prepare(with batch: Matrix)

    /// The training loss on one batch (a 1×1 variable) and model-specific figures.
    /// For energy targets the batch is unused and the loss is the annealed reverse KL.
    func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss

    /// `count × 2` samples.
    func sample(count: Int, using rng: inout Xoshiro256) -> Matrix

    /// Exact log-density at each row, or nil when the model has no tractable density.
    func logDensity(_ points: Matrix) -> [Float]?

    /// Called after parameters were loaded from a checkpoint.
    func didLoadParameters()

    /// Each point's discrete latent code (RAD), or nil for models without one.
    func regionCodes(_ points: Matrix) -> [Int]?

    /// Tells the model what it is trained on (CTF samples an energy target or models data).
    func attach(to dataset: Dataset)

    /// End-of-run figures for the JSON line (e.g. GLF's reconstruction error on held-out data).
    func reportFigures(dataset: Dataset) -> Figures
    /// A learning-rate factor per parameter (nil: the same rate for all).
    var learningRateScales: [Float]? { get }
    /// Adam's β₁ for this model (nil: Adam's default 0.9).
    var adamBeta1: Float? { get }

    /// Makes the adaptive ODE solves of this replica's `loss` and its backward pass one shard
    /// of a lockstep group (`LockstepSums`), or whole-batch solves again with nil. Models
    /// without adaptive solves ignore it.
    func solveInLockstep(_ reduction: (any ErrorSumReduction)?)
}

extension GenerativeModel {
    package func prepare(with batch: Matrix) {}
    package func didLoadParameters() {}
    package func regionCodes(_ points: Matrix) -> [Int]? { nil }
    package func attach(to dataset: Dataset) {}
    package func reportFigures(dataset: Dataset) -> Figures { [:] }
    package var learningRateScales: [Float]? { nil }
    package var adamBeta1: Float? { nil }
    package func solveInLockstep(_ reduction: (any ErrorSumReduction)?) {}
}

/// A model as the registry builds it: its math and what the explorer shows of it.
package typealias FlowLabModel = GenerativeModel & ModelInspection

/// A training loss with the figures a model wants shown next to it.
package struct ModelLoss {
    package var loss: Variable
    package var figures: Figures
    /// A notable event (e.g. an ODE solver failure) to report to the user.
    package var message: String?
    /// Figures and an event known only once `backward()` has run (the adjoint's backward
    /// solves: their cost, or their failure); the trainer merges them in.
    var afterBackward: (() -> (figures: Figures, message: String?))?

    package init(loss: Variable, figures: Figures = [:], message: String? = nil,
                 afterBackward: (() -> (figures: Figures, message: String?))? = nil) {
        self.loss = loss
        self.figures = figures
        self.message = message
        self.afterBackward = afterBackward
    }

    /// Runs `backward()` on a finite loss and returns the step's figures and message.
    package func backward() -> (figures: Figures, message: String?) {
        guard loss.scalar.isFinite else { return (figures, message) }
        loss.backward()
        guard let after = afterBackward?() else { return (figures, message) }
        return (figures.merging(after.figures) { $1 }, message ?? after.message)
    }
}

/// A model-specific picture, as data for the renderer (no drawing here).
package enum SpecialView: Sendable, Equatable {
    /// Polylines (e.g. grid lines pushed through the flow layer by layer), coloured by index.
    case lines(title: String, polylines: [[Point2]], colorIndex: [Int])
    /// A class label per grid cell (RAD regions), row-major from the top-left, with points over it.
    case regions(title: String, width: Int, height: Int, labels: [Int], points: [Point2])
    /// A point cloud (latent codes, particles).
    case points(title: String, points: [Point2])
    /// A log-density field (row-major from the top-left) with points over it (GLF's latent view).
    case field(title: String, width: Int, height: Int, logValues: [Double], points: [Point2])
    /// Two point clouds side by side, each under its caption (CTF's generator alone against the
    /// generator followed by K Langevin steps).
    case pointPair(title: String, left: CaptionedPoints, right: CaptionedPoints)
    case none
}

/// A point cloud under a caption (one half of `SpecialView.pointPair`).
package struct CaptionedPoints: Sendable, Equatable {
    package let caption: String
    package let points: [Point2]
    package init(_ caption: String, _ points: [Point2]) { self.caption = caption; self.points = points }
}

