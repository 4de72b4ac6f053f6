import ArgumentParser
import FlowApp
import FlowModels

/// `flowlab` / `flowlab tui`: the live explorer.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the explorer: train a model live and watch it learn (default command).")

    @Option(help: "Model id: realnvp glow.") var model: String = "realnvp"
    @Option(help: "Dataset: toy name, u1-u4, or csv:PATH.") var dataset: String = "8gaussians"
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "ASCII glyphs and no colour (also automatic without a UTF-8 locale).") var ascii = false

    func run() throws {
        try launchExplorer(model: model, dataset: dataset, seed: seed, ascii: ascii, tour: nil)
    }
}

/// `flowlab demo`: the guided teaching tour.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "A guided teaching tour in the explorer.")
    @Flag(help: "ASCII glyphs and no colour.") var ascii = false
    func run() throws {
        try launchExplorer(model: "realnvp", dataset: "8gaussians", seed: 1, ascii: ascii, tour: DemoTour())
    }
}

func launchExplorer(model: String, dataset: String, seed: UInt64, ascii: Bool, tour: DemoTour?) throws {
    guard let kind = ModelKind(rawValue: model) else {
        throw ValidationError("unknown model '\(model)'; choose one of \(ModelKind.idList)")
    }
    do {
        try MainActor.assumeIsolated {
            try ExplorerApp(model: kind, dataset: dataset, seed: seed, ascii: ascii, tour: tour).run()
        }
    } catch let e as CLIError { throw e }
    catch { throw CLIError("\(error)") }
}
