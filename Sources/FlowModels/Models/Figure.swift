/// A model-specific figure of merit: what it is called in `train`'s JSON line (`id`), how the
/// status panel labels and formats it, and whether `train` reports its per-iteration mean.
/// Models declare their figures next to their code (`extension Figure { static let … }`); the
/// explorer and the CLI show whatever a model reports, with no table of names elsewhere.
public struct Figure: Hashable, Sendable, CustomStringConvertible {
    public let id: String
    public let label: String
    /// A `String(format:)` spec for the status panel.
    public let format: String
    /// False for figures that only make sense live (an annealing schedule's β).
    public let inReport: Bool

    public init(id: String, label: String, format: String = "%.3f", inReport: Bool = true) {
        self.id = id
        self.label = label
        self.format = format
        self.inReport = inReport
    }

    public static func == (a: Figure, b: Figure) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public var description: String { id }
}

/// A set of figures with their values.
public typealias Figures = [Figure: Double]

extension Figure {
    /// The annealing weight β_t of reverse-KL training on energy targets.
    public static let beta = Figure(id: "beta", label: "Beta", format: "%.3f", inReport: false)
}
