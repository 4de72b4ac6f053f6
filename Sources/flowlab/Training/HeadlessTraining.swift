import Foundation
import FlowCore
import FlowModels

/// One headless training run as `train` and `compare` do it: the iterations with progress on
/// stderr, early stopping for a user's CSV, and the JSON report (`seconds` is the loop alone).
struct HeadlessTraining {
    var label = ""
    var quiet = false

    func run(_ session: TrainingSession) -> TrainingReport {
        var progress = ProgressReporter(label: label, total: session.config.iterations, quiet: quiet)
        if case .csv(let c) = session.dataset, let note = c.skippedNote { progress.line(note) }
        // A user's CSV: keep the parameters that do best on the validation split.
        let stopper = EarlyStopping.make(for: session)
        let total = session.config.iterations
        let clock = ContinuousClock()
        let start = clock.now
        var recent = 0.0, recentCount = 0
        var figureSums: Figures = [:]
        var lastMessage: String?
        for _ in 0..<total {
            let m = session.step()
            for (k, v) in m.figures { figureSums[k, default: 0] += v }
            if m.recoveredFromNonFinite {
                progress.line("iter \(m.iteration): \(m.message ?? "non-finite loss or gradient"); restored last good parameters, lr halved to "
                              + String(format: "%.2g", m.learningRate))
            } else {
                if let msg = m.message, msg != lastMessage { progress.line("iter \(m.iteration): \(msg)") }
                if m.loss.isFinite { recent = recentCount == 0 ? m.loss : 0.95 * recent + 0.05 * m.loss; recentCount += 1 }
            }
            lastMessage = m.message
            progress.update(iteration: m.iteration, loss: recentCount > 0 ? recent : .nan, learningRate: m.learningRate)
            if let stopper, stopper.observe(session) {
                progress.line("iter \(m.iteration): no better validation NLL for \(stopper.patience) iterations; stopping")
                break
            }
        }
        progress.finish()
        if let stopper, stopper.restoreBest(session) {
            progress.line(String(format: "kept the parameters of iteration %d (validation NLL %.4f)", stopper.bestIteration, stopper.bestNLL))
        }
        let seconds = (clock.now - start).seconds
        // Per-iteration means of the model's figures (NFE forward/backward, steps, …).
        let means = Dictionary(uniqueKeysWithValues: figureSums.filter { $0.key.inReport }
            .map { ($0.key.id, $0.value / Double(max(session.iteration, 1))) })
        var report = TrainingReport.evaluate(session: session, seconds: seconds, extra: means)
        if let stopper {
            report.set("best_iter", .int(stopper.bestIteration))
            report.set("validation_nll", .double(stopper.bestNLL))
        }
        return report
    }
}
