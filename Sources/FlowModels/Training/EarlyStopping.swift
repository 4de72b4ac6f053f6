import FlowCore
import FlowData

/// Keeps the best parameters seen on a CSV's validation split: every `interval` iterations the
/// validation NLL is measured; the best parameters are kept, and training stops after
/// `patience` iterations without an improvement. Small datasets overfit — a few hundred points
/// and tens of thousands of parameters — and this is what keeps the saved model the best one.
///
/// Only for CSV datasets (toys and energies draw fresh points forever) and models with a
/// density; `make` returns nil otherwise. The validation split is not the held-out test split,
/// so `test_nll` stays an unbiased figure.
package final class EarlyStopping {
    package let interval: Int
    package let patience: Int
    package private(set) var bestNLL = Double.infinity
    package private(set) var bestIteration = 0
    package private(set) var lastNLL: Double?
    private var bestParameters: [Matrix] = []
    private let validation: Matrix

    static let defaultInterval = 50
    static let defaultPatience = 1000

    /// The most validation points one check evaluates.
    static let maxValidationRows = 5_000

    package init(validation: Matrix, interval: Int = EarlyStopping.defaultInterval, patience: Int = EarlyStopping.defaultPatience) {
        self.validation = validation
        self.interval = max(1, interval)
        self.patience = max(self.interval, patience)
    }

    /// Early stopping for a session, or nil where it does not apply.
    package static func make(for session: TrainingSession, patience: Int = defaultPatience) -> EarlyStopping? {
        guard case .csv(let c) = session.dataset, c.validation.rows > 0,
              session.model.logDensity(c.validation.rows(0..<1)) != nil else { return nil }
        // A big file's validation split is subsampled (its leading rows, already shuffled) so
        // a check stays cheap next to 50 training steps.
        let e = EarlyStopping(validation: c.validation.rows(0..<min(c.validation.rows, maxValidationRows)), patience: patience)
        e.record(session)
        return e
    }

    /// Measures after a step when it is time; returns true when training should stop.
    @discardableResult
    package func observe(_ session: TrainingSession) -> Bool {
        guard session.iteration % interval == 0 else { return false }
        record(session)
        return session.iteration - bestIteration >= patience
    }

    func record(_ session: TrainingSession) {
        guard let nll = Evaluation.nll(session.model, points: validation) else { return }
        lastNLL = nll
        if nll.isFinite && nll < bestNLL {
            bestNLL = nll
            bestIteration = session.iteration
            bestParameters = session.model.parameters.map(\.value)
        }
    }

    /// Puts the best parameters back (call when training ends). Returns false if none was kept.
    @discardableResult
    package func restoreBest(_ session: TrainingSession) -> Bool {
        guard bestParameters.count == session.model.parameters.count else { return false }
        for (p, v) in zip(session.model.parameters, bestParameters) { p.value = v }
        session.model.didLoadParameters()
        return true
    }
}
