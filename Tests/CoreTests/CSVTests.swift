import Testing
import Foundation
import FlowCore
import FlowData

struct CSVTests {
    func message(_ text: String) -> String? {
        do { _ = try CSVPoints.parse(text, source: "pts.csv"); return nil } catch let e as DatasetError { return e.message } catch { return "\(error)" }
    }

    @Test func parsesWithAndWithoutHeader() throws {
        #expect(try CSVPoints.parse("x,y\n1,2\n3.5,-4e-1\n") == Matrix([[1, 2], [3.5, -0.4]]))
        #expect(try CSVPoints.parse("1, 2\r\n3,4\n\n# comment\n5,6") == Matrix([[1, 2], [3, 4], [5, 6]]))
    }

    @Test func badInputGetsOneClearLine() {
        #expect(message("") == "pts.csv: no data points (the file is empty)")
        #expect(message("x,y\n") == "pts.csv: no data points (a header line and no data rows)")  // issue 16 item 19
        #expect(message("# only a comment\n\n") == "pts.csv: no data points (the file is empty)")
        #expect(message("1,2\n3,4,5\n") == "pts.csv line 2: expected 2 columns (x,y), found 3")
        #expect(message("1,2\n3\n") == "pts.csv line 2: expected 2 columns (x,y), found 1")
        #expect(message("1,2\nabc,4\n") == "pts.csv line 2: 'abc' is not a number")
        #expect(message("1,2\nnan,4\n") == "pts.csv line 2: non-finite value 'nan'")
        #expect(message("1,inf\n") == "pts.csv line 1: non-finite value 'inf'")
        #expect(message("1,1e40\n") == "pts.csv line 1: non-finite value '1e40'")
        #expect(message("a,b,c\n1,2\n") == "pts.csv line 1: header has 3 columns, expected 2 (x,y)")
    }

    @Test func fileSplitsEightyTenTen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-csv-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let body = "x,y\n" + (0..<200).map { "\($0),\(-$0)" }.joined(separator: "\n")
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        let d = try Dataset(name: "csv:" + path)
        guard case .csv(let c) = d else { Issue.record("not a csv dataset"); return }
        #expect(c.train.rows == 160 && c.validation.rows == 20 && c.test.rows == 20)
        #expect(d.testPoints() == c.test)
        var g = Xoshiro256(seed: 1)
        let batch = d.sample(count: 50, using: &g)
        for r in 0..<50 { #expect(batch[r, 0] == -batch[r, 1]) }
        #expect(throws: DatasetError.self) { try Dataset(name: "csv:/nonexistent/file.csv") }
    }
}
