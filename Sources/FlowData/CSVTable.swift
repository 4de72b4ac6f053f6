import Foundation
import FlowCore

/// A CSV file as a table of named columns, for a user's own data (`csv:PATH[:X,Y]`).
///
/// Real-world tables differ from FlowLab's strict `x,y` point files: they have many columns,
/// quoted fields (`"eruptions"`, `"1"`), an unnamed row-index column (R's `write.csv`, pandas'
/// `to_csv`), and missing values. This reader handles those: the delimiter is `,` (or `;` /
/// tab when the first line has no comma), fields may be double-quoted with `""` as an escaped
/// quote (a quoted field may not span lines), lines starting with `#` are comments, and the
/// first line is a header when one of its fields is neither a number nor a missing value.
package struct CSVTable: Sendable {
    /// Column names from the header, or `column 1`, `column 2`, … without one. An unnamed
    /// header field stays "" (a row-index column; never picked by default).
    package var names: [String]
    package var hasHeader: Bool
    /// Raw fields of each data row (unquoted, trimmed), and each row's line number in the file.
    package var rows: [[String]]
    var lineNumbers: [Int]
    package var source: String

    /// Fields that mean "no value": empty, `NA`, `N/A`, `NaN`, `null` (any case).
    static func isMissing(_ field: String) -> Bool {
        guard let first = field.utf8.first else { return true }
        // Numbers start with a digit, a sign or a point: no need to look further.
        if (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E { return false }
        return ["na", "n/a", "nan", "null"].contains(field.lowercased())
    }

    package init(text: String, source: String) throws {
        self.source = source
        var names: [String] = []
        var rows: [[String]] = []
        var lineNumbers: [Int] = []
        var delimiter: UInt8?
        var hasHeader = false
        var lineNumber = 0
        // Bytes, not Characters: Foundation's trimming and String slicing are far too slow for
        // files of millions of rows; every syntax character of a CSV is ASCII.
        let bytes = Array(text.utf8)
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            let (lo, hi) = CSVTable.trimmed(bytes, start, end)
            defer { start = end + 1 }
            if lo == hi || bytes[lo] == 0x23 { continue }  // empty or '#'
            if delimiter == nil {
                let line = bytes[lo..<hi]
                delimiter = line.contains(0x2C) ? 0x2C : (line.contains(0x3B) ? 0x3B : (line.contains(0x09) ? 0x09 : 0x2C))
            }
            let fields = try CSVTable.split(bytes[lo..<hi], delimiter: delimiter!, source: source, line: lineNumber)
            if names.isEmpty {
                names = fields
                let isHeader = fields.contains { Double($0) == nil && !CSVTable.isMissing($0) }
                if isHeader { hasHeader = true; continue }
                names = (1...fields.count).map { "column \($0)" }
            }
            guard fields.count == names.count else {
                throw DatasetError("\(source) line \(lineNumber): expected \(names.count) columns, found \(fields.count)")
            }
            rows.append(fields)
            lineNumbers.append(lineNumber)
        }
        guard !names.isEmpty else { throw DatasetError("\(source): no data points (the file is empty)") }
        guard !rows.isEmpty else { throw DatasetError("\(source): no data points (a header line and no data rows)") }
        guard names.count >= 2 else {
            throw DatasetError("\(source): one column found; FlowLab needs two numeric columns (x,y)")
        }
        self.names = names
        self.hasHeader = hasHeader
        self.rows = rows
        self.lineNumbers = lineNumbers
    }

    /// ASCII whitespace: space, tab, CR, LF, VT, FF.
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// `bytes[start..<end]` without leading and trailing whitespace, as a range.
    static func trimmed(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (Int, Int) {
        var lo = start, hi = end
        while lo < hi && isSpace(bytes[lo]) { lo += 1 }
        while hi > lo && isSpace(bytes[hi - 1]) { hi -= 1 }
        return (lo, hi)
    }

    /// Splits one line into unquoted, trimmed fields.
    static func split(_ line: ArraySlice<UInt8>, delimiter: UInt8, source: String, line number: Int) throws -> [String] {
        if !line.contains(0x22) { return splitUnquoted(line, delimiter: delimiter) }
        var fields: [String] = []
        var current: [UInt8] = []
        var quoted = false, inQuotes = false, afterQuote = false
        func finish() {
            var lo = 0, hi = current.count
            if !quoted {
                while lo < hi && isSpace(current[lo]) { lo += 1 }
                while hi > lo && isSpace(current[hi - 1]) { hi -= 1 }
            }
            fields.append(String(decoding: current[lo..<hi], as: UTF8.self))
        }
        for c in line {
            if inQuotes {
                if c == 0x22 { inQuotes = false; afterQuote = true } else { current.append(c) }
            } else if c == 0x22 {
                if afterQuote { current.append(0x22); inQuotes = true; afterQuote = false }  // "" escape
                else if current.allSatisfy(isSpace) { current = []; inQuotes = true; quoted = true }
                else { current.append(c) }
            } else if c == delimiter {
                finish()
                current = []; quoted = false; afterQuote = false
            } else {
                afterQuote = false
                if !(quoted && isSpace(c)) { current.append(c) }
            }
        }
        guard !inQuotes else { throw DatasetError("\(source) line \(number): unterminated quoted field") }
        finish()
        return fields
    }

    /// `split` for a line without quotes (most lines of most files): each field is a trimmed
    /// slice turned straight into a String.
    static func splitUnquoted(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> [String] {
        line.withUnsafeBufferPointer { b in
            var fields: [String] = []
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == delimiter {
                var lo = start, hi = i
                while lo < hi && isSpace(b[lo]) { lo += 1 }
                while hi > lo && isSpace(b[hi - 1]) { hi -= 1 }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self))
                start = i + 1
            }
            return fields
        }
    }

    /// True when every non-missing value of column `c` is a finite number (and there is one).
    func isNumeric(_ c: Int) -> Bool { numbers(c) != nil }

    /// Column `c` as numbers, nil where a value is missing; nil when a present value is not a
    /// finite number, or when none is present.
    func numbers(_ c: Int) -> [Double?]? {
        var out: [Double?] = []
        out.reserveCapacity(rows.count)
        var any = false
        for row in rows {
            if CSVTable.isMissing(row[c]) { out.append(nil); continue }
            guard let v = DecimalParser.value(row[c]), v.isFinite else { return nil }
            any = true
            out.append(v)
        }
        return any ? out : nil
    }

    /// The chosen columns (`selectColumns`) and their points (`points(x:y:)`), each value
    /// parsed once.
    func points(columns spec: String?) throws -> (x: Int, y: Int, points: Matrix, skipped: Int) {
        // The first two numeric columns, stopping there (a wide table's other columns are not parsed).
        var found: [(Int, [Double?])] = []
        if spec == nil {
            for c in names.indices where !(hasHeader && names[c].isEmpty) {
                if let v = numbers(c) { found.append((c, v)) }
                if found.count == 2 { break }
            }
        }
        guard found.count == 2 else {
            // A spec, or fewer than two numeric columns: the checked path and its messages.
            let (x, y) = try selectColumns(spec)
            let (p, skipped) = try points(x: x, y: y)
            return (x, y, p, skipped)
        }
        let (x, xs) = found[0], (y, ys) = found[1]
        var values: [Float] = []
        values.reserveCapacity(2 * rows.count)
        var skipped = 0
        for r in rows.indices {
            guard let a = xs[r], let b = ys[r] else { skipped += 1; continue }
            for (c, v) in [(x, a), (y, b)] where !Float(v).isFinite {
                throw DatasetError("\(source) line \(lineNumbers[r]): non-finite value '\(rows[r][c])' in column '\(label(c))'")
            }
            values.append(Float(a))
            values.append(Float(b))
        }
        return (x, y, Matrix(rows: values.count / 2, cols: 2, storage: values), skipped)
    }

    /// The two columns to use: `spec` is `X,Y`, each a header name or a 1-based index; without
    /// a spec, the first two numeric columns (skipping an unnamed row-index column).
    func selectColumns(_ spec: String?) throws -> (x: Int, y: Int) {
        let listing = names.enumerated().map { "\($0.offset + 1):\($0.element.isEmpty ? "(unnamed)" : $0.element)" }
            .joined(separator: " ")
        guard let spec else {
            let numeric = names.indices.filter { !(hasHeader && names[$0].isEmpty) && isNumeric($0) }
            guard numeric.count >= 2 else {
                throw DatasetError("\(source): found \(numeric.count) numeric column(s), need 2; pick columns with csv:PATH:X,Y (columns \(listing))")
            }
            return (numeric[0], numeric[1])
        }
        let parts = spec.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw DatasetError("\(source): columns must be given as X,Y (a header name or 1-based index each), got '\(spec)'")
        }
        func resolve(_ p: String) throws -> Int {
            if let i = names.firstIndex(of: p) { return i }
            if let i = names.firstIndex(where: { $0.lowercased() == p.lowercased() }) { return i }
            if let k = Int(p), k >= 1, k <= names.count { return k - 1 }
            throw DatasetError("\(source): no column '\(p)' (columns \(listing))")
        }
        let x = try resolve(parts[0]), y = try resolve(parts[1])
        guard x != y else { throw DatasetError("\(source): pick two different columns, got '\(spec)' twice the same") }
        return (x, y)
    }

    /// The chosen columns as an `n × 2` matrix; rows with a missing value in either column
    /// are skipped and counted. Any other non-number is an error naming its line.
    package func points(x: Int, y: Int) throws -> (points: Matrix, skipped: Int) {
        var values: [Float] = []
        values.reserveCapacity(2 * rows.count)
        var skipped = 0
        for (row, line) in zip(rows, lineNumbers) {
            if CSVTable.isMissing(row[x]) || CSVTable.isMissing(row[y]) { skipped += 1; continue }
            for c in [x, y] {
                let f = row[c]
                guard let v = DecimalParser.value(f) else {
                    throw DatasetError("\(source) line \(line): '\(f)' in column '\(label(c))' is not a number")
                }
                guard v.isFinite, Float(v).isFinite else {
                    throw DatasetError("\(source) line \(line): non-finite value '\(f)' in column '\(label(c))'")
                }
                values.append(Float(v))
            }
        }
        return (Matrix(rows: values.count / 2, cols: 2, storage: values), skipped)
    }

    /// A column's display name (`column N` when unnamed).
    package func label(_ c: Int) -> String { names[c].isEmpty ? "column \(c + 1)" : names[c] }
}
