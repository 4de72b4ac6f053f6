import ArgumentParser
import Foundation
import FlowApp
import FlowModels
import FlowRender

/// `flowlab render`: one explorer frame on stdout, byte for byte reproducible.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the frame the explorer would show after N seeded iterations (or for a checkpoint).")

    /// The frame sizes `--size` accepts: the explorer's minimum up to what renders in about a second.
    static let minimumSize = ExplorerLayout.minimum
    static let maximumSize = Size(width: 1000, height: 500)

    // Optional so `--checkpoint` can refuse them instead of silently ignoring them.
    @Option(help: ArgumentHelp("Model id: \(modelNames) (default: realnvp).")) var model: String?
    @Option(help: "Dataset name (default: 8gaussians).") var dataset: String?
    @Option(parsing: .unconditional, help: "Training iterations before the frame (default: 0).") var iters: Int?
    @Option(parsing: .unconditional, help: "Random seed (default: 1).", transform: parseSeed) var seed: UInt64?
    @Option(help: "Render a saved model instead of training one.") var checkpoint: String?
    @Option(parsing: .unconditional, help: "Frame size WxH, e.g. 120x40 (from 60x18 to 1000x500).") var size: String = "120x40"
    @Option(parsing: .unconditional, help: "Model-specific view index (the explorer's v key), from 1.") var view: Int = 1
    @Option(help: "text, ansi or svg (a standalone SVG of the frame).") var format: String = "text"
    @Flag(help: "Linear instead of log density scale.") var linear = false
    @Flag(name: .customLong("show-help"), help: "Draw the explorer's key-help overlay (the ? key).") var showHelp = false
    @Flag(help: "ASCII only, no colour.") var ascii = false
    @Option(parsing: .unconditional, help: "The depth/time scrubber at fraction F of the way from the base (0) to the data (1).")
    var scrub: Double?
    @Option(parsing: .unconditional, help: "The probe at the point X,Y (data coordinates): log p(x) term by term.")
    var probe: String?
    @Option(parsing: .unconditional, help: "Render lesson N of `flowlab demo` (its first frame unless --iters is given).")
    var lesson: Int?

    /// Parses `X,Y`.
    static func parsePoint(_ text: String) -> Point2? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]), x.isFinite, y.isFinite else { return nil }
        return Point2(x, y)
    }

    func validate() throws {
        guard let s = Size(parsing: size) else { throw ValidationError("--size must look like 120x40, got '\(size)'") }
        let (lo, hi) = (Self.minimumSize, Self.maximumSize)
        guard (lo.width...hi.width).contains(s.width), (lo.height...hi.height).contains(s.height) else {
            throw ValidationError("--size must be between \(lo.width)x\(lo.height) and \(hi.width)x\(hi.height), got \(s.width)x\(s.height)")
        }
        guard ["text", "ansi", "svg"].contains(format) else { throw ValidationError("--format must be text, ansi or svg, got '\(format)'") }
        if let scrub { guard scrub.isFinite, (0...1).contains(scrub) else { throw ValidationError("--scrub must be between 0 and 1, got \(scrub)") } }
        if let probe { guard Self.parsePoint(probe) != nil else { throw ValidationError("--probe must look like X,Y (e.g. 1.5,-0.25), got '\(probe)'") } }
        guard view >= 1 else { throw ValidationError("--view counts from 1, got \(view)") }
        if let iters { guard iters >= 0 && iters <= 10_000_000 else { throw ValidationError("--iters must be between 0 and 10000000") } }
        if let lesson {
            try validateLesson(lesson)
            let given = [("--model", model != nil), ("--dataset", dataset != nil), ("--checkpoint", checkpoint != nil)].filter(\.1).map(\.0)
            if !given.isEmpty { throw ValidationError("--lesson sets the model and dataset; it cannot be combined with \(given.joined(separator: ", "))") }
        } else if checkpoint != nil {
            let given = [("--model", model != nil), ("--dataset", dataset != nil), ("--iters", iters != nil), ("--seed", seed != nil)]
                .filter(\.1).map(\.0)
            if !given.isEmpty {
                throw ValidationError("--checkpoint renders the saved model as it is; it cannot be combined with \(given.joined(separator: ", "))")
            }
        } else {
            _ = try parseModelKind(model ?? "realnvp")
            try validateDatasetName(dataset ?? "8gaussians")
        }
    }

    /// A usage error when `view` is beyond the model's views.
    static func checkView(_ view: Int, of model: any FlowLabModel) throws {
        let count = max(1, model.views.count)
        guard view <= count else {
            throw ValidationError("--view must be between 1 and \(count) for model '\(model.config.kind.rawValue)', got \(view)")
        }
    }

    func run() throws {
        let frameSize = Size(parsing: size)!
        let kind = try parseModelKind(model ?? "realnvp")
        var options = HeadlessExplorer.Options(model: kind, dataset: dataset ?? "8gaussians", iterations: iters ?? 0, size: frameSize)
        if let lesson { options = HeadlessExplorer.Options(lesson: lesson - 1, iterations: iters ?? 0, size: frameSize) }
        options.seed = seed ?? 1
        if lesson == nil || view != 1 { options.specialIndex = view - 1 }
        options.logScale = !linear
        options.showHelp = showHelp
        options.capabilities = ascii ? .ascii : .full
        if let scrub { options.scrub = scrub }
        if let p = probe.flatMap(Self.parsePoint) { options.probe = p }
        let frame: Frame
        do {
            if let checkpoint {
                let session = try Checkpoint.read(from: checkpoint).makeSession()
                try Self.checkView(view, of: session.model)
                frame = HeadlessExplorer.frame(session: session, options: options)
            } else {
                try Self.checkView(view, of: try ModelFactory.make(ModelConfig.defaults(for: options.model)))
                frame = try HeadlessExplorer.frame(options)
            }
        } catch let e as CheckpointError { throw CLIError(e.message) }
        catch let e as ModelError { throw CLIError(e.message) }
        catch let e as DatasetErrorBridge { throw CLIError(e.description) }
        switch format {
        case "ansi": print(frame.ansi)
        case "svg": print(SVGFrame().render(frame), terminator: "")
        default: print(frame.text)
        }
    }
}
