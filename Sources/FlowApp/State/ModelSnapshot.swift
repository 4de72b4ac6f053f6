import FlowData
import FlowModels

/// A scalar field on a pixel grid over the plotting box, top row first.
package struct FieldGrid: Sendable, Equatable {
    package var width: Int
    package var height: Int
    /// Log-densities (−inf where zero).
    package var logValues: [Double]

    package init(width: Int, height: Int, logValues: [Double]) {
        precondition(logValues.count == width * height)
        self.width = width
        self.height = height
        self.logValues = logValues
    }
}

/// An immutable picture of a training run: everything the view needs, nothing it must compute
/// from the model. Built on the training thread, handed to the UI thread.
package struct ModelSnapshot: Sendable, Equatable {
    package var model: ModelKind
    package var dataset: String
    package var seed: UInt64
    package var iteration: Int
    package var itersPerSecond: Double?
    package var loss: Double?
    package var testNLL: Double?
    package var entropyFloor: Double?
    package var learningRate: Double
    package var figures: Figures
    package var lossHistory: [Double]
    package var target: FieldGrid?
    /// The model's density, or a histogram of its samples when it has no tractable density.
    package var density: FieldGrid?
    package var densityIsHistogram: Bool
    package var samples: [Point2]
    package var special: SpecialView
    package var specialViewNames: [String]
    /// The model's switch and knob as (label, value) rows for the status panel.
    package var controls: [ControlReading] = []
    package var specialIndex: Int
    /// The most recent notable event (NaN recovery, solver failure), shown in the status panel.
    package var event: String?
    /// The plotted rectangle: [−4, 4]² for the built-in datasets, fitted to a CSV's data.
    package var viewBox: ViewBox
    /// Half-width of the plotted box (its x half-width for a CSV's rectangle).
    package var box: Double { viewBox.halfWidth }
    /// A CSV's column names (x, y); nil for the built-in datasets.
    package var columns: [String]?
    /// Rows of a CSV skipped for missing values.
    package var skippedRows: Int
    /// NLL on the training points (CSV datasets), next to `testNLL` on the held-out ones.
    package var trainNLL: Double?
    /// The training run this snapshot belongs to (`ExplorerState.generation`).
    package var generation = 0
    /// The scrubber's stages, when the scrubber is on and the model has them.
    package var scrub: ScrubTrack?
    /// The change of variables at the probe, when the probe is on.
    package var probe: ProbeReading?
    /// The rewind timeline: positions held and which one is shown.
    package var timeline: TimelineReading?
    /// The watchdog's latest alert (training diverged and was paused).
    package var watchdog: WatchdogAlert?
    /// The model's trainable parameter count (the compare view's leaderboard).
    package var parameterCount: Int?
    /// Energy distance of the shown samples to fixed-seed data (the compare view's leaderboard;
    /// nil when not measured).
    package var energyDistance: Double?

    /// This snapshot's status with `other`'s pictures (target, density, samples, view, test
    /// NLL, scrubber track, energy distance): the quick answer when only the status changed.
    package func withPictures(of other: ModelSnapshot) -> ModelSnapshot {
        var s = self
        s.target = other.target
        s.density = other.density
        s.densityIsHistogram = other.densityIsHistogram
        s.samples = other.samples
        s.special = other.special
        s.specialViewNames = other.specialViewNames
        s.specialIndex = other.specialIndex
        s.testNLL = other.testNLL
        s.trainNLL = other.trainNLL
        s.scrub = other.scrub
        s.energyDistance = other.energyDistance
        return s
    }

    package init(model: ModelKind, dataset: String, seed: UInt64) {
        self.model = model
        self.dataset = dataset
        self.seed = seed
        iteration = 0
        itersPerSecond = nil
        loss = nil
        testNLL = nil
        entropyFloor = nil
        learningRate = 0
        figures = [:]
        lossHistory = []
        target = nil
        density = nil
        densityIsHistogram = false
        samples = []
        special = .none
        specialViewNames = []
        specialIndex = 0
        event = nil
        viewBox = .standard
        columns = nil
        skippedRows = 0
        trainNLL = nil
    }
}

/// One model control as the status panel shows it: "Beta 1", "Distill sliced".
package struct ControlReading: Sendable, Equatable {
    package var label: String
    package var value: String

    /// The switch and the knob a model declares, in that order.
    static func of(_ model: any ModelInspection) -> [ControlReading] {
        var rows: [ControlReading] = []
        if let s = model.modelSwitch { rows.append(ControlReading(label: s.label, value: s.shortReading)) }
        if let k = model.knob { rows.append(ControlReading(label: k.label, value: k.shortReading)) }
        return rows
    }
}

/// The change of variables at one point: its terms (nil without a density) and where it is.
package struct ProbeReading: Sendable, Equatable {
    package var point: Point2
    package var terms: DensityTerms?
    package init(point: Point2, terms: DensityTerms?) { self.point = point; self.terms = terms }
    /// `log p(x)`, the sum of the terms.
    package var logp: Double? { terms?.total.first }
}

/// Where the rewind timeline stands: how many states it holds, which is shown (nil: the live
/// end), their iterations and its memory bound.
package struct TimelineReading: Sendable, Equatable {
    package var iterations: [Int]
    package var shown: Int?
    package var bytes: Int
    package var capacityBytes: Int
    package init(iterations: [Int], shown: Int?, bytes: Int, capacityBytes: Int) {
        self.iterations = iterations; self.shown = shown; self.bytes = bytes; self.capacityBytes = capacityBytes
    }
}

/// Training diverged: when, what happened, and where `w` would rewind to.
package struct WatchdogAlert: Sendable, Equatable {
    package var id: Int
    package var iteration: Int
    package var message: String
    package init(id: Int, iteration: Int, message: String) { self.id = id; self.iteration = iteration; self.message = message }
}
