import FlowData
import FlowModels

/// A scalar field on a pixel grid over the plotting box, top row first.
public struct FieldGrid: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Log-densities (−inf where zero).
    public var logValues: [Double]

    public init(width: Int, height: Int, logValues: [Double]) {
        precondition(logValues.count == width * height)
        self.width = width
        self.height = height
        self.logValues = logValues
    }
}

/// An immutable picture of a training run: everything the view needs, nothing it must compute
/// from the model. Built on the training thread, handed to the UI thread.
public struct ModelSnapshot: Sendable, Equatable {
    public var model: ModelKind
    public var dataset: String
    public var seed: UInt64
    public var iteration: Int
    public var itersPerSecond: Double?
    public var loss: Double?
    public var testNLL: Double?
    public var entropyFloor: Double?
    public var learningRate: Double
    public var figures: Figures
    public var lossHistory: [Double]
    public var target: FieldGrid?
    /// The model's density, or a histogram of its samples when it has no tractable density.
    public var density: FieldGrid?
    public var densityIsHistogram: Bool
    public var samples: [Point2]
    public var special: SpecialView
    public var specialViewNames: [String]
    /// The model's switch and knob as (label, value) rows for the status panel.
    public var controls: [ControlReading] = []
    public var specialIndex: Int
    /// The most recent notable event (NaN recovery, solver failure), shown in the status panel.
    public var event: String?
    /// The plotted rectangle: [−4, 4]² for the built-in datasets, fitted to a CSV's data.
    public var viewBox: ViewBox
    /// Half-width of the plotted box (its x half-width for a CSV's rectangle).
    public var box: Double { viewBox.halfWidth }
    /// A CSV's column names (x, y); nil for the built-in datasets.
    public var columns: [String]?
    /// Rows of a CSV skipped for missing values.
    public var skippedRows: Int
    /// NLL on the training points (CSV datasets), next to `testNLL` on the held-out ones.
    public var trainNLL: Double?
    /// The training run this snapshot belongs to (`ExplorerState.generation`).
    public var generation = 0
    /// The scrubber's stages, when the scrubber is on and the model has them.
    public var scrub: ScrubTrack?
    /// The change of variables at the probe, when the probe is on.
    public var probe: ProbeReading?
    /// The rewind timeline: positions held and which one is shown.
    public var timeline: TimelineReading?
    /// The watchdog's latest alert (training diverged and was paused).
    public var watchdog: WatchdogAlert?

    public init(model: ModelKind, dataset: String, seed: UInt64) {
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
public struct ControlReading: Sendable, Equatable {
    public var label: String
    public var value: String

    /// The switch and the knob a model declares, in that order.
    static func of(_ model: any ModelInspection) -> [ControlReading] {
        var rows: [ControlReading] = []
        if let s = model.modelSwitch { rows.append(ControlReading(label: s.label, value: s.shortReading)) }
        if let k = model.knob { rows.append(ControlReading(label: k.label, value: k.shortReading)) }
        return rows
    }
}

/// The change of variables at one point: its terms (nil without a density) and where it is.
public struct ProbeReading: Sendable, Equatable {
    public var point: Point2
    public var terms: DensityTerms?
    public init(point: Point2, terms: DensityTerms?) { self.point = point; self.terms = terms }
    /// `log p(x)`, the sum of the terms.
    public var logp: Double? { terms?.total.first }
}

/// Where the rewind timeline stands: how many states it holds, which is shown (nil: the live
/// end), their iterations and its memory bound.
public struct TimelineReading: Sendable, Equatable {
    public var iterations: [Int]
    public var shown: Int?
    public var bytes: Int
    public var capacityBytes: Int
    public init(iterations: [Int], shown: Int?, bytes: Int, capacityBytes: Int) {
        self.iterations = iterations; self.shown = shown; self.bytes = bytes; self.capacityBytes = capacityBytes
    }
}

/// Training diverged: when, what happened, and where `w` would rewind to.
public struct WatchdogAlert: Sendable, Equatable {
    public var id: Int
    public var iteration: Int
    public var message: String
    public init(id: Int, iteration: Int, message: String) { self.id = id; self.iteration = iteration; self.message = message }
}
