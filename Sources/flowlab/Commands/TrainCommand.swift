import ArgumentParser
import Foundation
import FlowApp
import FlowCore
import FlowModels

/// `flowlab train`: trains headless, progress on stderr, the JSON line last on stdout.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model headless; prints progress on stderr and one JSON line on stdout.")

    @OptionGroup var options: ModelOptions

    @Option(parsing: .unconditional, help: """
        Data-parallel threads: each batch is split into this many shards (at most one per \
        batch row) whose gradients are \
        computed at the same time and summed in a fixed order. FFJORD's shards share their ODE \
        solvers' error norms, so every shard takes the steps of one solve of the whole batch. A \
        seed reproduces a run exactly for a given thread count; different counts differ slightly \
        (float rounding, and on energy targets the random draws).
        """)
    var threads: Int = 1

    @Option(help: "Write a checkpoint here when training ends.")
    var save: String?

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        if threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024") }
    }

    func run() throws {
        // A destination that cannot be written fails now, not after the training.
        if let save { do { try Checkpoint.checkDestination(save) } catch let e as CheckpointError { throw CLIError(e.message) } }
        let session = try options.makeSession()
        do {
            try session.useThreads(threads)
        } catch let e as ModelError { throw CLIError(e.message) }
        let report = HeadlessTraining(quiet: quiet).run(session)
        var saveError: CLIError?
        if let save {
            do {
                try Checkpoint(session: session).write(to: save)
                if !quiet { stderr("saved checkpoint to \(save)") }
            } catch let e as CheckpointError { saveError = CLIError(e.message) }
        }
        // The result is printed even when the save failed: a long run is never lost.
        print(report.jsonLine)
        if let saveError { throw saveError }
    }
}

func stderr(_ line: String) {
    FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
