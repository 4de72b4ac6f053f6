import Testing
import Foundation
import FlowCore
import FlowData

/// `csv:PATH:X,Y`: real-world tables — quotes, many columns, row indices, missing values.
struct CSVTableTests {
    func write(_ body: String, _ tag: String = #function) throws -> String {
        let safe = tag.filter { $0.isLetter || $0.isNumber }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-table-\(getpid())-\(safe).csv").path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func message(_ name: String) -> String? {
        do { _ = try Dataset(name: name); return nil } catch let e as DatasetError { return e.message } catch { return "\(error)" }
    }

    /// 40 rows of an R-style export: an unnamed index column, quoted header, a text column.
    func rTable(missingEvery k: Int = 0) -> String {
        var lines = ["\"\",\"name\",\"eruptions\",\"waiting\",\"temp\""]
        for i in 1...40 {
            let e = k > 0 && i % k == 0 ? (i % 2 == 0 ? "NA" : "") : String(1.5 + Double(i) / 10)
            lines.append("\"\(i)\",\"geyser, \"\"old\"\"\",\(e),\(40 + i),\(i % 7 == 0 ? "NaN" : "2\(i % 10).5")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func quotedFieldsAndEscapedQuotes() throws {
        let t = try CSVTable(text: "\"a\",\"b, c\"\n\"x \"\"q\"\"\", 2\n", source: "t.csv")
        #expect(t.names == ["a", "b, c"] && t.hasHeader)
        #expect(t.rows == [["x \"q\"", "2"]])
        #expect(throws: DatasetError("t.csv line 2: unterminated quoted field")) { try CSVTable(text: "a,b\n\"1,2\n", source: "t.csv") }
        let semi = try CSVTable(text: "u;v\n1,5;2\n", source: "s.csv")  // a European export
        #expect(semi.names == ["u", "v"] && semi.rows == [["1,5", "2"]])
    }

    /// Fields are kept as byte ranges (quoted ones unescaped after the file's text); every
    /// spelling of a missing value counts as missing, and quoted numbers are numbers.
    @Test func missingSpellingsAndQuotedNumbers() throws {
        let text = "a,b\n\"1\",NA\n2, n/a \nNULL,\"3.5\"\n\"4\",nan\n5,Null\n-6e1,\"\"\n\"7\", \"8\"\n-6e1,9\n"
        let t = try CSVTable(text: text, source: "m.csv")
        #expect(t.rowCount == 8 && t.field(0, 0) == "1" && t.field(1, 1) == "n/a" && t.field(2, 1) == "3.5" && t.field(5, 1) == "")
        let (points, skipped) = try t.points(x: 0, y: 1)
        #expect(skipped == 6 && points.storage == [7, 8, -60, 9])
        let swapped = try t.points(x: 1, y: 0)
        #expect(swapped.skipped == 6 && swapped.points.storage == [8, 7, 9, -60])
    }

    @Test func defaultColumnsAreTheFirstTwoNumericOnesSkippingTheRowIndex() throws {
        let path = try write(rTable())
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .csv(let c) = try Dataset(name: "csv:" + path) else { Issue.record("not csv"); return }
        #expect(c.columns == ["eruptions", "waiting"])
        #expect(c.train.rows + c.validation.rows + c.test.rows == 40)
        #expect(c.skippedRows == 0 && c.skippedNote == nil)
    }

    @Test func columnsByNameOrIndex() throws {
        let path = try write(rTable())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let byName = try Dataset(name: "csv:\(path):waiting,eruptions")
        let byIndex = try Dataset(name: "csv:\(path):4,3")
        guard case .csv(let a) = byName, case .csv(let b) = byIndex else { Issue.record("not csv"); return }
        #expect(a.columns == ["waiting", "eruptions"] && a.train == b.train)
        #expect(byName.name == "csv:\(path):waiting,eruptions")  // round-trips through checkpoints
        for r in 0..<a.train.rows { #expect(a.train[r, 0] >= 41 && a.train[r, 1] < 6) }
        #expect(message("csv:\(path):depth,waiting")?.contains("no column 'depth' (columns 1:(unnamed) 2:name 3:eruptions 4:waiting 5:temp)") == true)
        #expect(message("csv:\(path):name,waiting")?.contains("line 2: 'geyser, \"old\"' in column 'name' is not a number") == true)
        #expect(message("csv:\(path):3,3")?.contains("pick two different columns") == true)
    }

    @Test func rowsWithMissingValuesAreSkippedAndCounted() throws {
        let path = try write(rTable(missingEvery: 5))
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .csv(let c) = try Dataset(name: "csv:\(path):eruptions,temp") else { Issue.record("not csv"); return }
        // 8 rows miss "eruptions" (NA or empty), 5 have NaN in "temp" (row 35 has both).
        let missing = (1...40).filter { $0 % 5 == 0 || $0 % 7 == 0 }.count
        #expect(c.skippedRows == missing)
        #expect(c.train.rows + c.validation.rows + c.test.rows == 40 - missing)
        #expect(c.skippedNote == "\(path): skipped \(missing) rows with a missing value in 'eruptions' or 'temp'")
        let none = try write("a,b\nNA,1\n2,\n,\n", "none")
        defer { try? FileManager.default.removeItem(atPath: none) }
        #expect(message("csv:" + none) == "\(none): no usable rows: all 3 rows have a missing value in 'a' or 'b'")
        #expect(message("csv:" + none + ":a,c")?.contains("no column 'c'") == true)
    }

    @Test func badTablesGetOneClearLine() throws {
        let one = try write("x\n1\n2\n", "one")
        let ragged = try write("a,b,c\n1,2,3\n4,5\n", "ragged")
        let text = try write("a,b,c\nfoo,bar,1\n", "text")
        let flat = try write("a,b\n" + (0..<20).map { "\($0),3" }.joined(separator: "\n"), "flat")
        defer { for p in [one, ragged, text, flat] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(message("csv:" + one)?.contains("one column found") == true)
        #expect(message("csv:" + ragged) == "\(ragged) line 3: expected 3 columns, found 2")
        #expect(message("csv:" + text)?.contains("found 1 numeric column(s), need 2") == true)
        #expect(message("csv:" + flat) == "\(flat): every point has b = 3.0; a 2-D density needs spread in both columns")
    }

    @Test func nameParsing() {
        #expect(CSVPoints.parseName("data.csv") == ("data.csv", nil))
        #expect(CSVPoints.parseName("data.csv:x,y") == ("data.csv", "x,y"))
        #expect(CSVPoints.parseName("/tmp/a:b/data.csv") == ("/tmp/a:b/data.csv", nil))
        #expect(CSVPoints.parseName("C:/d.csv:2,3") == ("C:/d.csv", "2,3"))
    }

    @Test func viewBoxFitsTheDataWithEqualAspectWhereRangesAllow() {
        var pts = Matrix(rows: 201, cols: 2)
        for i in 0...200 { pts[i, 0] = Float(1.6 + 3.5 * Double(i) / 200); pts[i, 1] = Float(43 + 53 * Double((i * 37) % 201) / 200) }
        let b = ViewBox.fitting(pts)
        #expect(abs(b.centerX - 3.35) < 0.01 && abs(b.centerY - 69.5) < 0.1)
        #expect(b.minX < 1.6 && b.maxX > 5.1 && b.minY < 43 && b.maxY > 96)  // the data is inside, with a margin
        #expect(b.halfWidth < 2.2 && b.halfHeight < 31)  // not the [-4,4]² box, and not square (ranges 3.5 vs 53)
        var iso = pts
        for i in 0...200 { iso[i, 1] = pts[i, 0] * 2 }  // ranges 3.5 vs 7: equal aspect
        let e = ViewBox.fitting(iso)
        #expect(e.halfWidth == e.halfHeight)
        // One far outlier does not shrink the rest of the picture to a dot.
        var outlier = pts
        outlier[0, 0] = 1e4
        #expect(ViewBox.fitting(outlier).halfWidth < 100)
        // Canonical coordinates: the standard box is the identity, bit for bit.
        let s = ViewBox.standard
        for x in [-3.7, 0.1, 2.9999, 4.0] { #expect(s.toCanonical(x, -x) == (x, -x)) }
        let (u, v) = b.toCanonical(b.maxX, b.minY)
        #expect(abs(u - 4) < 1e-12 && abs(v + 4) < 1e-12)
    }
}
