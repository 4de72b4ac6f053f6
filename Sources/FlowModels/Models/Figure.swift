/// A model-specific figure of merit: what it is called in `train`'s JSON line (`id`), how the
/// status panel labels and formats it, and whether `train` reports its per-iteration mean.
/// Models declare their figures next to their code (`extension Figure { static let … }`); the
/// explorer and the CLI show whatever a model reports, with no table of names elsewhere.
package struct Figure: Hashable, Sendable, CustomStringConvertible {
    package let id: String
    package let label: String
    /// A `String(format:)` spec for the status panel.
    package let format: String
    /// False for figures that only make sense live (an annealing schedule's β).
    package let inReport: Bool

    package init(id: String, label: String, format: String = "%.3f", inReport: Bool = true) {
        self.id = id
        self.label = label
        self.format = format
        self.inReport = inReport
    }

    package static func == (a: Figure, b: Figure) -> Bool { a.id == b.id }
    package func hash(into h: inout Hasher) { h.combine(id) }
    package var description: String { id }
}

/// A set of figures with their values.
package typealias Figures = [Figure: Double]

extension Figure {
    /// The annealing weight β_t of reverse-KL training on energy targets.
    package static let beta = Figure(id: "beta", label: "Beta", format: "%.3f", inReport: false)
}
