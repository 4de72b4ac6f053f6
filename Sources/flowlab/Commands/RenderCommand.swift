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

    @Option(help: "Model id.") var model: String = "realnvp"
    @Option(help: "Dataset name.") var dataset: String = "8gaussians"
    @Option(help: "Training iterations before the frame.") var iters: Int = 0
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Render a saved model instead of training one.") var checkpoint: String?
    @Option(help: "Frame size WxH, e.g. 120x40.") var size: String = "120x40"
    @Option(help: "Model-specific view index (the explorer's v key), from 1.") var view: Int = 1
    @Option(help: "text or ansi.") var format: String = "text"
    @Flag(help: "Linear instead of log density scale.") var linear = false
    @Flag(help: "Draw the help overlay.") var help = false
    @Flag(help: "ASCII only, no colour.") var ascii = false

    func validate() throws {
        guard Size(parsing: size) != nil else { throw ValidationError("--size must look like 120x40") }
        guard ["text", "ansi"].contains(format) else { throw ValidationError("--format must be text or ansi") }
        guard view >= 1 else { throw ValidationError("--view counts from 1") }
        guard iters >= 0 && iters <= 10_000_000 else { throw ValidationError("--iters must be >= 0") }
    }

    func run() throws {
        let frameSize = Size(parsing: size)!
        guard let kind = ModelKind(rawValue: model) else {
            throw ValidationError("unknown model '\(model)'; choose one of \(ModelKind.idList)")
        }
        var options = HeadlessExplorer.Options(model: kind, dataset: dataset, iterations: iters, size: frameSize)
        options.seed = seed
        options.specialIndex = view - 1
        options.logScale = !linear
        options.showHelp = help
        options.capabilities = ascii ? .ascii : .full
        let frame: Frame
        do {
            if let checkpoint {
                let session = try Checkpoint.read(from: checkpoint).makeSession()
                frame = HeadlessExplorer.frame(session: session, options: options)
            } else {
                frame = try HeadlessExplorer.frame(options)
            }
        } catch let e as CheckpointError { throw CLIError(e.message) }
        catch let e as ModelError { throw CLIError(e.message) }
        catch let e as DatasetErrorBridge { throw CLIError(e.description) }
        print(format == "ansi" ? frame.ansi : frame.text)
    }
}
