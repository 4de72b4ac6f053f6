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
    package var source: String
    /// Each data row's line number in the file.
    var lineNumbers: [Int]
    /// The file's bytes, followed by the unescaped text of its quoted fields.
    private var bytes: [UInt8]
    /// Field c of data row r (unquoted, trimmed) is `bytes[starts[i]..<ends[i]]`, i = r·width + c:
    /// two offsets per field instead of a String per field and an array per row, which made
    /// loading millions of rows allocation-bound.
    private var starts: [UInt32] = [], ends: [UInt32] = []

    /// Number of data rows.
    package var rowCount: Int { lineNumbers.count }

    /// Field `c` of data row `r`.
    package func field(_ r: Int, _ c: Int) -> String {
        let i = r * names.count + c
        return String(decoding: bytes[Int(starts[i])..<Int(ends[i])], as: UTF8.self)
    }

    /// Every data row's fields (for tests and small tables).
    package var rows: [[String]] { (0..<rowCount).map { r in names.indices.map { field(r, $0) } } }

    /// Fields that mean "no value": empty, `NA`, `N/A`, `NaN`, `null` (any case).
    static func isMissing(_ field: String) -> Bool {
        var f = field
        return f.withUTF8 { isMissing($0) }
    }

    static func isMissing(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = f.first else { return true }
        // Numbers start with a digit, a sign or a point: no need to look further.
        if (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E { return false }
        guard f.count <= 4 else { return false }
        let lower = f.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        return missingWords.contains(lower)
    }

    static let missingWords: [[UInt8]] = ["na", "n/a", "nan", "null"].map { Array($0.utf8) }

    package init(text: String, source: String) throws {
        self.source = source
        var names: [String] = []
        var lineNumbers: [Int] = []
        var delimiter: UInt8?
        var hasHeader = false
        var lineNumber = 0
        // Bytes, not Characters: Foundation's trimming and String slicing are far too slow for
        // files of millions of rows; every syntax character of a CSV is ASCII.
        var bytes = Array(text.utf8)
        // Offsets are 32-bit; with the unquoted copies a file's text is at most twice its size.
        guard bytes.count < Int(UInt32.max) / 2 else { throw DatasetError("\(source): files of 2 GB or more are not supported") }
        var unquoted: [UInt8] = []  // quoted fields' text, stored after the file's bytes
        var starts: [UInt32] = [], ends: [UInt32] = []
        var spans: [(Int, Int)] = []
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
            spans.removeAll(keepingCapacity: true)
            try CSVTable.split(bytes, lo, hi, delimiter: delimiter!, into: &spans, unquoted: &unquoted, offset: bytes.count,
                               source: source, line: lineNumber)
            if names.isEmpty {
                let fields = spans.map { a, b in
                    String(decoding: a >= bytes.count ? unquoted[(a - bytes.count)..<(b - bytes.count)] : bytes[a..<b], as: UTF8.self)
                }
                names = fields
                let isHeader = fields.contains { Double($0) == nil && !CSVTable.isMissing($0) }
                if isHeader { hasHeader = true; continue }
                names = (1...fields.count).map { "column \($0)" }
            }
            guard spans.count == names.count else {
                throw DatasetError("\(source) line \(lineNumber): expected \(names.count) columns, found \(spans.count)")
            }
            for (a, b) in spans {
                starts.append(UInt32(a))
                ends.append(UInt32(b))
            }
            lineNumbers.append(lineNumber)
        }
        guard !names.isEmpty else { throw DatasetError("\(source): no data points (the file is empty)") }
        guard !lineNumbers.isEmpty else { throw DatasetError("\(source): no data points (a header line and no data rows)") }
        guard names.count >= 2 else {
            throw DatasetError("\(source): one column found; FlowLab needs two numeric columns (x,y)")
        }
        bytes += unquoted
        self.names = names
        self.hasHeader = hasHeader
        self.lineNumbers = lineNumbers
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
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

    /// Splits the line `bytes[lo..<hi]` into the ranges of its unquoted, trimmed fields. A
    /// quoted field's text (quotes removed, `""` unescaped) is appended to `unquoted`, and its
    /// range is given past `offset` (where `unquoted` will follow the file's bytes).
    static func split(_ bytes: [UInt8], _ lo: Int, _ hi: Int, delimiter: UInt8, into spans: inout [(Int, Int)],
                      unquoted: inout [UInt8], offset: Int, source: String, line number: Int) throws {
        if !bytes[lo..<hi].contains(0x22) {
            var fieldStart = lo
            for i in lo...hi where i == hi || bytes[i] == delimiter {
                spans.append(trimmed(bytes, fieldStart, i))
                fieldStart = i + 1
            }
            return
        }
        var current: [UInt8] = []
        var quoted = false, inQuotes = false, afterQuote = false
        func finish() {
            var a = 0, b = current.count
            if !quoted {
                while a < b && isSpace(current[a]) { a += 1 }
                while b > a && isSpace(current[b - 1]) { b -= 1 }
            }
            spans.append((offset + unquoted.count, offset + unquoted.count + (b - a)))
            unquoted += current[a..<b]
        }
        for c in bytes[lo..<hi] {
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
    }

    /// Field `c` of every row as bytes, in order (nothing allocated per field).
    private func forEachField(_ c: Int, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        let w = names.count
        try bytes.withUnsafeBufferPointer { all in
            for r in 0..<rowCount {
                let i = r * w + c
                try body(r, UnsafeBufferPointer(rebasing: all[Int(starts[i])..<Int(ends[i])]))
            }
        }
    }

    /// The value of one field: the exact fast path, else `Double(String)`.
    private static func value(_ f: UnsafeBufferPointer<UInt8>) -> Double? {
        DecimalParser.fastValue(f) ?? Double(String(decoding: f, as: UTF8.self))
    }

    /// True when every non-missing value of column `c` is a finite number (and there is one).
    func isNumeric(_ c: Int) -> Bool { numbers(c) != nil }

    /// Column `c` as numbers, nil where a value is missing; nil when a present value is not a
    /// finite number, or when none is present.
    func numbers(_ c: Int) -> [Double?]? {
        var out: [Double?] = []
        out.reserveCapacity(rowCount)
        var any = false, bad = false
        forEachField(c) { _, f in
            guard !bad else { return }
            if CSVTable.isMissing(f) { out.append(nil); return }
            guard let v = CSVTable.value(f), v.isFinite else { bad = true; return }
            any = true
            out.append(v)
        }
        return any && !bad ? out : nil
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
        values.reserveCapacity(2 * rowCount)
        var skipped = 0
        for r in 0..<rowCount {
            guard let a = xs[r], let b = ys[r] else { skipped += 1; continue }
            for (c, v) in [(x, a), (y, b)] where !Float(v).isFinite {
                throw DatasetError("\(source) line \(lineNumbers[r]): non-finite value '\(field(r, c))' in column '\(label(c))'")
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
        values.reserveCapacity(2 * rowCount)
        var skipped = 0
        for r in 0..<rowCount {
            if CSVTable.isMissing(field(r, x)) || CSVTable.isMissing(field(r, y)) { skipped += 1; continue }
            for c in [x, y] {
                let f = field(r, c)
                guard let v = DecimalParser.value(f) else {
                    throw DatasetError("\(source) line \(lineNumbers[r]): '\(f)' in column '\(label(c))' is not a number")
                }
                guard v.isFinite, Float(v).isFinite else {
                    throw DatasetError("\(source) line \(lineNumbers[r]): non-finite value '\(f)' in column '\(label(c))'")
                }
                values.append(Float(v))
            }
        }
        return (Matrix(rows: values.count / 2, cols: 2, storage: values), skipped)
    }

    /// A column's display name (`column N` when unnamed).
    package func label(_ c: Int) -> String { names[c].isEmpty ? "column \(c + 1)" : names[c] }
}
