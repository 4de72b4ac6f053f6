import ArgumentParser
import FlowApp
import FlowModels
import FlowTerminal

/// `flowlab` / `flowlab tui`: the live explorer.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the explorer: train a model live and watch it learn (default command).")

    @Option(help: ArgumentHelp("Model id: \(modelNames).")) var model: String = "realnvp"
    @Option(help: "Dataset: toy name, u1-u4, or csv:PATH.") var dataset: String = "8gaussians"
    @Option(parsing: .unconditional, help: "Random seed.", transform: parseSeed) var seed: UInt64 = 1
    @Flag(help: "ASCII glyphs and no colour. Without a UTF-8 locale glyphs fall back to ASCII automatically (colours stay); NO_COLOR=1 turns colour off.") var ascii = false
    @Option(help: "Record the session as an asciicast v2 file (asciinema play FILE replays it).") var record: String?

    func validate() throws {
        _ = try parseModelKind(model)
        try validateDatasetName(dataset)
    }

    func run() throws {
        try launchExplorer(model: model, dataset: dataset, seed: seed, ascii: ascii, tour: nil, record: record)
    }
}

/// `flowlab demo`: the guided teaching tour.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "A guided teaching tour in the explorer.")
    @Flag(help: "ASCII glyphs and no colour.") var ascii = false
    @Option(help: "Record the tour as an asciicast v2 file.") var record: String?
    func run() throws {
        try launchExplorer(model: "realnvp", dataset: "8gaussians", seed: 1, ascii: ascii, tour: DemoTour(), record: record)
    }
}

func launchExplorer(model: String, dataset: String, seed: UInt64, ascii: Bool, tour: DemoTour?, record: String? = nil) throws {
    let kind = try parseModelKind(model)
    do {
        try MainActor.assumeIsolated {
            try ExplorerApp(model: kind, dataset: dataset, seed: seed, ascii: ascii, tour: tour, record: record).run()
        }
    } catch let e as CLIError { throw e }
    catch let e as ValidationError { throw e }
    catch { throw CLIError("\(error)") }
    // Ended by a signal: the terminal is restored; report it the way a shell would.
    if TerminalGuard.stopSignal != 0 { throw ExitCode(128 + TerminalGuard.stopSignal) }
}
