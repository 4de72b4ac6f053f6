import Foundation
import FlowCore

/// A user's own 2-D points from a CSV file: two numeric columns, header optional.
///
/// Parsing is strict and every failure names the file and line: an empty file, a wrong column
/// count, a field that is not a number, NaN or ±inf. Points are split once, with a fixed
/// seed, into 90 % training and 10 % held-out points for `test_nll`.
package struct CSVPoints: Sendable {
    package let path: String
    package let train: Matrix
    package let test: Matrix
    /// The two columns used (x, y): header names, or `column N` (`csv:PATH:X,Y`, CSVDataset.swift).
    package internal(set) var columns: [String] = ["x", "y"]
    /// The `X,Y` column choice as given after the path, if any (part of the dataset's name).
    var columnSpec: String? = nil
    /// Rows skipped for an empty, NA or NaN value in a chosen column.
    package internal(set) var skippedRows = 0
    /// Points held out from training to pick the best parameters (early stopping).
    package internal(set) var validation = Matrix(rows: 0, cols: 2)
    /// The box that is drawn and evaluated, fitted to the training split.
    package internal(set) var viewBox = ViewBox.standard

    /// Fraction of the points held out for evaluation.
    static let heldOutFraction = 0.1
    static let splitSeed: UInt64 = 0x5EED_C5F

    package init(path: String) throws {
        self.path = path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DatasetError("cannot read CSV file '\(path)'")
        }
        let points = try CSVPoints.parse(text, source: path)
        guard points.rows >= 10 else {
            throw DatasetError("\(path): need at least 10 points to hold out a test split, found \(points.rows)")
        }
        try CSVPoints.checkScale(points, source: path)
        var rng = Xoshiro256(seed: CSVPoints.splitSeed)
        let order = rng.permutation(points.rows)
        let nTest = max(1, Int((Double(points.rows) * CSVPoints.heldOutFraction).rounded()))
        test = points.rows(at: order[0..<nTest])
        train = points.rows(at: order[nTest...])
    }

    /// The largest coordinate FlowLab trains on: Float32 flows starting from N(0, I) cannot
    /// learn data at 1e30 (every step is non-finite), so such files are refused up front.
    static let maximumMagnitude: Float = 10_000

    /// Refuses points whose scale cannot be learned: too large, or no spread in a coordinate.
    static func checkScale(_ points: Matrix, source: String) throws {
        for (c, axis) in ["x", "y"].enumerated() {
            var lo = Float.infinity, hi = -Float.infinity
            for r in 0..<points.rows { lo = min(lo, points[r, c]); hi = max(hi, points[r, c]) }
            let big = max(abs(lo), abs(hi))
            if big > maximumMagnitude {
                throw DatasetError("\(source): \(axis) values reach \(String(format: "%.3g", big)); FlowLab learns points within ±\(Int(maximumMagnitude)) — rescale the data (e.g. standardise each column)")
            }
            if hi == lo {
                throw DatasetError("\(source): every point has \(axis) = \(lo); a 2-D density needs spread in both columns")
            }
        }
    }

    /// Parses CSV text into an `n × 2` matrix. A first line with a non-numeric field is a header.
    package static func parse(_ text: String, source: String = "CSV") throws -> Matrix {
        var values: [Float] = []
        var lineNumber = 0
        var sawData = false
        var sawHeader = false
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = fields.map { DecimalParser.value($0) }
            if !sawData && numbers.contains(where: { $0 == nil }) && fields.allSatisfy({ Double($0) == nil }) {
                guard fields.count == 2 else {
                    throw DatasetError("\(source) line \(lineNumber): header has \(fields.count) columns, expected 2 (x,y)")
                }
                sawData = true  // only the very first line may be a header
                sawHeader = true
                continue
            }
            sawData = true
            guard fields.count == 2 else {
                throw DatasetError("\(source) line \(lineNumber): expected 2 columns (x,y), found \(fields.count)")
            }
            for (f, v) in zip(fields, numbers) {
                guard let v else { throw DatasetError("\(source) line \(lineNumber): '\(f)' is not a number") }
                guard v.isFinite, Float(v).isFinite else {
                    throw DatasetError("\(source) line \(lineNumber): non-finite value '\(f)'")
                }
                values.append(Float(v))
            }
        }
        guard !values.isEmpty else {
            throw DatasetError(sawHeader ? "\(source): no data points (a header line and no data rows)"
                                         : "\(source): no data points (the file is empty)")
        }
        return Matrix(rows: values.count / 2, cols: 2, storage: values)
    }
}

/// A dataset problem with one clear, user-facing line.
package struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
