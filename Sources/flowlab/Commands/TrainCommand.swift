import ArgumentParser
import Foundation
import FlowCore
import FlowModels

/// `flowlab train`: trains headless, progress on stderr, the JSON line last on stdout.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model headless; prints progress on stderr and one JSON line on stdout.")

    @OptionGroup var options: ModelOptions

    @Option(parsing: .unconditional, help: "Worker threads (FlowLab's kernels are single-threaded; only 1 is used).")
    var threads: Int = 1

    @Option(help: "Write a checkpoint here when training ends.")
    var save: String?

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        if threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024") }
    }

    func run() throws {
        if threads > 1 && !quiet {
            FileHandle.standardError.write("note: FlowLab trains on one core; --threads \(threads) uses 1\n".data(using: .utf8)!)
        }
        // A destination that cannot be written fails now, not after the training.
        if let save { do { try Checkpoint.checkDestination(save) } catch let e as CheckpointError { throw CLIError(e.message) } }
        let session = try options.makeSession()
        if case .csv(let c) = session.dataset, let note = c.skippedNote, !quiet { stderr(note) }
        // A user's CSV: keep the parameters that do best on the validation split.
        let stopper = EarlyStopping.make(for: session)
        let total = session.config.iterations
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        var recent = 0.0, recentCount = 0
        var figureSums: Figures = [:]
        var lastMessage: String?
        for _ in 0..<total {
            let m = session.step()
            for (k, v) in m.figures { figureSums[k, default: 0] += v }
            if m.recoveredFromNonFinite {
                if !quiet {
                    stderr("iter \(m.iteration): \(m.message ?? "non-finite loss or gradient"); restored last good parameters, lr halved to "
                           + String(format: "%.2g", m.learningRate))
                }
            } else {
                if let msg = m.message, msg != lastMessage, !quiet { stderr("iter \(m.iteration): \(msg)") }
                if m.loss.isFinite { recent += m.loss; recentCount += 1 }
            }
            lastMessage = m.message
            let now = clock.now
            if !quiet && (now - lastReport > .seconds(1) || m.iteration == total) {
                let secs = (now - start).seconds
                stderr(String(format: "iter %d/%d  loss %.4f  lr %.2g  %.0f it/s", m.iteration, total,
                              recentCount > 0 ? recent / Double(recentCount) : .nan, m.learningRate,
                              Double(m.iteration) / max(secs, 1e-9)))
                recent = 0; recentCount = 0
                lastReport = now
            }
            if let stopper, stopper.observe(session) {
                if !quiet { stderr("iter \(m.iteration): no better validation NLL for \(stopper.patience) iterations; stopping") }
                break
            }
        }
        if let stopper, stopper.restoreBest(session), !quiet {
            stderr(String(format: "kept the parameters of iteration %d (validation NLL %.4f)", stopper.bestIteration, stopper.bestNLL))
        }
        let seconds = (clock.now - start).seconds
        var saveError: CLIError?
        if let save {
            do {
                try Checkpoint(session: session).write(to: save)
                if !quiet { stderr("saved checkpoint to \(save)") }
            } catch let e as CheckpointError { saveError = CLIError(e.message) }
        }
        // Per-iteration means of the model's figures (NFE forward/backward, steps, …).
        let means = Dictionary(uniqueKeysWithValues: figureSums.filter { $0.key.inReport }
            .map { ($0.key.id, $0.value / Double(max(session.iteration, 1))) })
        var report = TrainingReport.evaluate(session: session, seconds: seconds, extra: means)
        if let stopper {
            report.set("best_iter", .int(stopper.bestIteration))
            report.set("validation_nll", .double(stopper.bestNLL))
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
