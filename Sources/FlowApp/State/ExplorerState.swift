import FlowModels
import FlowRender

/// The explorer's UI state (Elm-style): plain values, changed only by `Reducer.reduce`.
public struct ExplorerState: Sendable, Equatable {
    public var model: ModelKind
    public var dataset: String
    public var seed: UInt64
    public var paused = false
    public var logScale = true
    public var showHelp = false
    /// Draw the samples over the target's heatmap (`t`).
    public var samplesOverTarget = false
    public var specialIndex = 0
    public var size: Size
    public var capabilities: Capabilities
    /// A transient message in the title bar (saved, loaded, exported, errors).
    public var message: String?
    public var snapshot: ModelSnapshot?
    public var quitRequested = false
    /// Which training run the explorer shows: every restart (reset, another model or dataset)
    /// starts a new generation, and snapshots of an older one are dropped.
    public var generation = 0
    /// Screen updates per second in the live explorer (nil headless).
    public var framesPerSecond: Double?
    /// Datasets `d`/`D` cycle through (the built-ins, plus the user's CSV when given).
    public var datasetCycle: [String]
    /// Models `m`/`M` cycle through.
    public var modelCycle: [ModelKind]
    /// The depth/time scrubber's stage (nil: off). Before the track's length is known, positions
    /// count back from `Int.max`, the last stage (the data): `Int.max − 2` is two before it.
    public var scrubPosition: Int?
    /// `p`: the scrubber plays back and forth.
    public var scrubPlaying = false
    public var scrubForward = true
    /// The probe's point in data coordinates (nil: off).
    public var probe: Point2?
    /// The last watchdog alert the explorer has acted on (paused for).
    public var watchdogAlertID = 0
    /// The panel a click focused (nil: none), and whether it fills the screen (`f`, double click).
    public var focus: PanelID?
    public var fullScreen = false
    /// The lesson shown (`flowlab demo`), an index into `Lessons.all`; nil outside the course.
    public var lesson: Int?
    /// The lesson's change to the model's defaults, applied when its model (re)starts.
    public var preset: ConfigPreset?

    /// The scrubber's stage count in the current snapshot.
    public var scrubCount: Int? { snapshot?.scrub.map { $0.stages.count } }

    /// The scrubber's stage index, clamped to the track (nil when off or no track yet).
    public var scrubIndex: Int? {
        guard let p = scrubPosition, let n = scrubCount, n > 0 else { return nil }
        if p > Int.max / 2 { return max(0, n - 1 - (Int.max - p)) }
        return min(max(0, p), n - 1)
    }

    public init(model: ModelKind, dataset: String, seed: UInt64, size: Size, capabilities: Capabilities = .full,
                datasetCycle: [String], modelCycle: [ModelKind] = ModelKind.allCases) {
        self.model = model
        self.dataset = dataset
        self.seed = seed
        self.size = size
        self.capabilities = capabilities
        self.datasetCycle = datasetCycle.contains(dataset) ? datasetCycle : datasetCycle + [dataset]
        self.modelCycle = modelCycle.contains(model) ? modelCycle : modelCycle + [model]
    }
}

/// The explorer's panels, for focus and full screen.
public enum PanelID: Sendable, Equatable, CaseIterable {
    case target, density, samples, special, status
}

/// Everything the user can do.
public enum Action: Sendable, Equatable {
    case togglePause, singleStep, reset
    case nextModel, previousModel, nextDataset, previousDataset
    case fasterLearning, slowerLearning
    case toggleLogScale, cycleView, toggleHelp, toggleTargetOverlay
    case save, load, export
    case toggleModelOption
    case scaleModelKnob(Double)
    /// `,` / `.`: the scrubber one stage towards the base / the data (turning it on).
    case scrubBack, scrubAhead
    /// `p`: play the scrubber back and forth / stop.
    case toggleScrubPlay
    /// The animation's clock (the loop sends it while playing).
    case scrubTick
    /// Arrows: the probe by cells of the density panel (y up), turning it on.
    case moveProbe(dx: Int, dy: Int)
    /// A click on a plot: the probe at a point (data coordinates).
    case placeProbe(Point2)
    /// Esc: scrubber, probe and full screen off.
    case closeInspectors
    /// A mouse press (cell coordinates).
    case click(MouseEvent)
    /// `u` / `U`: an older / newer state of the training timeline (pauses).
    case timelineBack, timelineForward
    /// `w`: after the watchdog paused a diverged run, back to the last good state, lr halved.
    case rewindToGood
    /// `f`: the focused panel (the density if none) full screen / back.
    case toggleFullScreen
    /// `F`: the focus to the next panel (the keyboard's way to pick one).
    case focusNext
    /// Tab / Shift-Tab in the course: the next / previous lesson (wrapping), or lesson i.
    case nextLesson, previousLesson
    case goToLesson(Int)
    case quit
    case resize(Size)
    case snapshot(ModelSnapshot)
    case message(String?)
    /// The live loop's measured screen updates per second.
    case framesPerSecond(Double)

    /// The action bound to a key, if any (`Keymap` holds the table).
    public static func forKey(_ key: Character) -> Action? { Keymap.action(for: key) }
}

/// What the runtime must do after an action (the reducer itself never does I/O).
public enum Effect: Sendable, Equatable {
    /// Start training run `generation` for the state's model, dataset and seed.
    case restart(generation: Int)
    case step
    case setPaused(Bool)
    case scaleLearningRate(Float)
    case setSpecialView(Int)
    case save, load, export
    case toggleModelOption
    case scaleModelKnob(Double)
    case relayout
    case setScrubbing(Bool)
    case setProbe(Point2?)
    case timelineStep(Int)
    case rewindToGood
    case quit
}
