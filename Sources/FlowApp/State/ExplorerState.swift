import FlowModels
import FlowRender

/// The explorer's UI state (Elm-style): plain values, changed only by `Reducer.reduce`.
package struct ExplorerState: Sendable, Equatable {
    package var model: ModelKind
    package var dataset: String
    package var seed: UInt64
    package var paused = false
    package var logScale = true
    package var showHelp = false
    /// Draw the samples over the target's heatmap (`t`).
    package var samplesOverTarget = false
    package var specialIndex = 0
    package var size: Size
    package var capabilities: Capabilities
    /// A transient message in the title bar (saved, loaded, exported, errors).
    package var message: String?
    package var snapshot: ModelSnapshot?
    package var quitRequested = false
    /// Which training run the explorer shows: every restart (reset, another model or dataset)
    /// starts a new generation, and snapshots of an older one are dropped.
    package var generation = 0
    /// Screen updates per second in the live explorer (nil headless).
    package var framesPerSecond: Double?
    /// Datasets `d`/`D` cycle through (the built-ins, plus the user's CSV when given).
    package var datasetCycle: [String]
    /// Models `m`/`M` cycle through.
    package var modelCycle: [ModelKind]
    /// The depth/time scrubber's stage (nil: off). Before the track's length is known, positions
    /// count back from `Int.max`, the last stage (the data): `Int.max − 2` is two before it.
    package var scrubPosition: Int?
    /// `p`: the scrubber plays back and forth.
    package var scrubPlaying = false
    package var scrubForward = true
    /// The probe's point in data coordinates (nil: off).
    package var probe: Point2?
    /// The last watchdog alert the explorer has acted on (paused for).
    package var watchdogAlertID = 0
    /// The panel a click focused (nil: none), and whether it fills the screen (`f`, double click).
    package var focus: PanelID?
    package var fullScreen = false
    /// The lesson shown (`flowlab demo`), an index into `Lessons.all`; nil outside the course.
    package var lesson: Int?
    /// The lesson's change to the model's defaults, applied when its model (re)starts.
    package var preset: ConfigPreset?
    /// `c`: the right-hand model of the split compare view, trained on the same dataset and
    /// seed (nil: one model). While comparing, `m`/`M` change it; the left model stays.
    package var compareModel: ModelKind?
    /// The compare run's generation: snapshots of an older one are dropped.
    package var compareGeneration = 0
    package var compareSnapshot: ModelSnapshot?

    /// Two models side by side (`c`).
    package var comparing: Bool { compareModel != nil }

    /// The scrubber's stage count in the current snapshot.
    package var scrubCount: Int? { snapshot?.scrub.map { $0.stages.count } }

    /// The scrubber's stage index, clamped to the track (nil when off or no track yet).
    package var scrubIndex: Int? {
        guard let p = scrubPosition, let n = scrubCount, n > 0 else { return nil }
        if p > Int.max / 2 { return max(0, n - 1 - (Int.max - p)) }
        return min(max(0, p), n - 1)
    }

    package init(model: ModelKind, dataset: String, seed: UInt64, size: Size, capabilities: Capabilities = .full,
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
package enum PanelID: Sendable, Equatable, CaseIterable {
    case target, density, samples, special, status
}

/// Everything the user can do.
package enum Action: Sendable, Equatable {
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
    /// `c`: a second model on the same dataset and seed, side by side / back to one.
    case toggleCompare
    /// A snapshot of the compare run (the right-hand model).
    case compareSnapshot(ModelSnapshot)
    case quit
    case resize(Size)
    case snapshot(ModelSnapshot)
    case message(String?)
    /// The live loop's measured screen updates per second.
    case framesPerSecond(Double)

    /// The action bound to a key, if any (`Keymap` holds the table).
    package static func forKey(_ key: Character) -> Action? { Keymap.action(for: key) }
}

/// What the runtime must do after an action (the reducer itself never does I/O).
package enum Effect: Sendable, Equatable {
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
    /// Start (or restart) the compare run `generation` for `compareModel` on the state's dataset and seed.
    case startCompare(generation: Int)
    case stopCompare
    case quit
}
