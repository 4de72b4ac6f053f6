import Foundation
import FlowCore

/// A user's table as a dataset: `csv:PATH` or `csv:PATH:X,Y` (see `CSVTable`).
extension CSVPoints {
    /// Fraction of the points held out (besides the test split) to pick the best parameters.
    static let validationFraction = 0.1

    /// Splits `PATH[:X,Y]`: a trailing `:X,Y` is a column choice unless the whole text names an
    /// existing file (paths may contain colons).
    package static func parseName(_ text: String) -> (path: String, columns: String?) {
        if FileManager.default.fileExists(atPath: text) { return (text, nil) }
        guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
        let spec = String(text[text.index(after: colon)...])
        guard spec.contains(","), !spec.contains("/") else { return (text, nil) }
        return (String(text[..<colon]), spec)
    }

    /// Loads two columns of a table: `columns` is `X,Y` (header names or 1-based indices), nil
    /// for the first two numeric columns. Rows with a missing value in a chosen column are
    /// skipped (`skippedRows`); the rest are split once, with a fixed seed, into 10 % test
    /// (the same points as the 2-column reader), 10 % validation and 80 % training points.
    package init(path: String, columns spec: String?) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DatasetError("cannot read CSV file '\(path)'")
        }
        let table = try CSVTable(text: text, source: path)
        let (x, y, points, skipped) = try table.points(columns: spec)
        let names = [table.label(x), table.label(y)]
        guard points.rows > 0 else {
            throw DatasetError("\(path): no usable rows: all \(skipped) rows have a missing value in '\(names[0])' or '\(names[1])'")
        }
        guard points.rows >= 10 else {
            throw DatasetError("\(path): need at least 10 points to hold out a test split, found \(points.rows)"
                               + (skipped > 0 ? " (\(skipped) rows skipped for missing values)" : ""))
        }
        var rng = Xoshiro256(seed: CSVPoints.splitSeed)
        let order = rng.permutation(points.rows)
        let nTest = max(1, Int((Double(points.rows) * CSVPoints.heldOutFraction).rounded()))
        let nValidation = max(1, Int((Double(points.rows) * CSVPoints.validationFraction).rounded()))
        self.path = path
        self.test = points.rows(at: order[0..<nTest])
        self.validation = points.rows(at: order[nTest..<(nTest + nValidation)])
        self.train = points.rows(at: order[(nTest + nValidation)...])
        for (c, name) in names.enumerated() {
            let v = points.column(c).storage
            if v.min() == v.max() {
                throw DatasetError("\(path): every point has \(name) = \(v[0]); a 2-D density needs spread in both columns")
            }
        }
        self.columns = names
        self.columnSpec = spec
        self.skippedRows = skipped
        self.viewBox = ViewBox.fitting(train)
    }

    /// The one line said about skipped rows (stderr, status panel), nil when none were skipped.
    package var skippedNote: String? {
        skippedRows == 0 ? nil
            : "\(path): skipped \(skippedRows) row\(skippedRows == 1 ? "" : "s") with a missing value in '\(columns[0])' or '\(columns[1])'"
    }
}

extension CSVPoints {
    /// The same points in standardised units (what a model behind `Standardization` trains on);
    /// its box is then the canonical [−4, 4]².
    package func mapped(by s: Standardization) -> CSVPoints {
        CSVPoints(mapping: self, by: s)
    }

    init(mapping c: CSVPoints, by s: Standardization) {
        path = c.path
        train = s.forward(c.train)
        test = s.forward(c.test)
        validation = s.forward(c.validation)
        columns = c.columns
        columnSpec = c.columnSpec
        skippedRows = c.skippedRows
        viewBox = .standard
    }
}
