import FlowCore

/// Everything FlowLab can train on: a toy generator, an energy target, or a user's CSV.
///
/// Parsed from the command-line names of the README (`moons`, `u3`, `csv:PATH`).
package enum Dataset: Sendable, Equatable, CustomStringConvertible {
    case toy(ToyDataset)
    case energy(EnergyTarget)
    case csv(CSVPoints)

    /// Seed of the 1000 fresh test points behind `test_nll` (fixed so runs are comparable).
    static let testSeed: UInt64 = 20_181_001
    static let testCount = 1000

    /// The dataset named `name`, loading the CSV file if it is one.
    package init(name: String) throws {
        if name.hasPrefix("csv:") {
            let (path, columns) = CSVPoints.parseName(String(name.dropFirst(4)))
            self = .csv(try CSVPoints(path: path, columns: columns))
        } else if let t = ToyDataset(rawValue: name) {
            self = .toy(t)
        } else if let e = EnergyTarget(rawValue: name) {
            self = .energy(e)
        } else {
            throw DatasetError("unknown dataset '\(name)'; choose one of \(Dataset.builtinNames.joined(separator: " ")) or csv:PATH")
        }
    }

    /// The built-in dataset names, in display order.
    package static var builtinNames: [String] {
        ToyDataset.allCases.map(\.rawValue) + EnergyTarget.allCases.map(\.rawValue)
    }

    package var name: String {
        switch self {
        case .toy(let t): return t.rawValue
        case .energy(let e): return e.rawValue
        case .csv(let c): return "csv:" + c.path + (c.columnSpec.map { ":" + $0 } ?? "")
        }
    }

    package var description: String { name }

    /// The box that is drawn and evaluated: fitted to a CSV's training split, [−4, 4]² otherwise.
    package var viewBox: ViewBox {
        if case .csv(let c) = self { return c.viewBox }
        return .standard
    }

    /// The fixed affine map a model applies first (CSV datasets only): it takes `viewBox` onto
    /// [−4, 4]², so any data scale trains like the toy datasets.
    package var standardization: Standardization? {
        if case .csv(let c) = self { return c.viewBox.standardization }
        return nil
    }

    /// True for energy targets (no samples; trained by reverse KL).
    package var isEnergy: Bool { if case .energy = self { return true } else { return false } }

    /// The entropy floor H(p) in nats, where known (energies: by quadrature on the box).
    package var entropyFloor: Double? {
        switch self {
        case .toy(let t): return t.entropyFloor
        case .energy(let e): return e.quadrature.entropy
        case .csv: return nil
        }
    }

    /// A training batch: fresh samples (toys, energies via quadrature) or a bootstrap draw from
    /// the CSV's training split.
    package func sample<G: RandomNumberGenerator>(count: Int, using rng: inout G) -> Matrix {
        switch self {
        case .toy(let t): return t.sample(count: count, using: &rng)
        case .energy(let e): return e.quadrature.sample(count: count, using: &rng)
        case .csv(let c):
            var m = Matrix(rows: count, cols: 2)
            for r in 0..<count {
                let i = rng.index(below: c.train.rows)
                m[r, 0] = c.train[i, 0]; m[r, 1] = c.train[i, 1]
            }
            return m
        }
    }

    /// Held-out points for `test_nll`: 1000 fresh points from `testSeed`, or the CSV's test split.
    package func testPoints() -> Matrix {
        if case .csv(let c) = self { return c.test }
        var rng = Xoshiro256(seed: Dataset.testSeed)
        return sample(count: Dataset.testCount, using: &rng)
    }

    package static func == (l: Dataset, r: Dataset) -> Bool { l.name == r.name }
}
