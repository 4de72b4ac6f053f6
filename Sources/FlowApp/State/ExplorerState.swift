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
    /// Screen updates per second in the live explorer (nil headless).
    public var framesPerSecond: Double?
    /// Datasets `d`/`D` cycle through (the built-ins, plus the user's CSV when given).
    public var datasetCycle: [String]
    /// Models `m`/`M` cycle through.
    public var modelCycle: [ModelKind]

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

/// Everything the user can do.
public enum Action: Sendable, Equatable {
    case togglePause, singleStep, reset
    case nextModel, previousModel, nextDataset, previousDataset
    case fasterLearning, slowerLearning
    case toggleLogScale, cycleView, toggleHelp, toggleTargetOverlay
    case save, load, export
    case toggleModelOption
    case scaleModelKnob(Double)
    case quit
    case resize(Size)
    case snapshot(ModelSnapshot)
    case message(String?)

    /// The action bound to a key, if any.
    public static func forKey(_ key: Character) -> Action? {
        switch key {
        case " ": return .togglePause
        case "n": return .singleStep
        case "r": return .reset
        case "m": return .nextModel
        case "M": return .previousModel
        case "d": return .nextDataset
        case "D": return .previousDataset
        case "+", "=": return .fasterLearning
        case "-", "_": return .slowerLearning
        case "l": return .toggleLogScale
        case "t": return .toggleTargetOverlay
        case "v": return .cycleView
        case "?", "h": return .toggleHelp
        case "s": return .save
        case "o": return .load
        case "e": return .export
        case "g": return .toggleModelOption
        case "[": return .scaleModelKnob(0.5)
        case "]": return .scaleModelKnob(2)
        case "q", "Q": return .quit
        default: return nil
        }
    }

    /// The key reference shown in the help overlay and, abbreviated, in the bottom line.
    public static let keyHelp: [(key: String, text: String)] = [
        ("space", "pause / resume training"),
        ("n", "one training step (pauses)"),
        ("r", "reset: same model, data and seed"),
        ("m / M", "next / previous model"),
        ("d / D", "next / previous dataset"),
        ("+ / -", "learning rate ×2 / ÷2"),
        ("l", "log / linear density scale"),
        ("t", "samples over the target / alone"),
        ("v", "cycle the model-specific view"),
        ("s", "save a checkpoint"),
        ("o", "load the checkpoint for this model and data"),
        ("e", "export this frame to a text file"),
        ("g", "model switch: GLF stop-gradient, CTF distance"),
        ("[ / ]", "model knob ÷2 / ×2: CTF step h, FFJORD tolerances, GLF β"),
        ("?", "show / hide this help"),
        ("q", "quit"),
    ]
}

/// What the runtime must do after an action (the reducer itself never does I/O).
public enum Effect: Sendable, Equatable {
    case restart
    case step
    case setPaused(Bool)
    case scaleLearningRate(Float)
    case setSpecialView(Int)
    case save, load, export
    case toggleModelOption
    case scaleModelKnob(Double)
    case relayout
    case quit
}
