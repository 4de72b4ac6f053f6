/// A dense row-major Float32 matrix: `rows` is the batch, `cols` the features.
///
/// Value semantics with copy-on-write storage. All hot kernels work on `storage` through
/// unsafe pointers (see `Kernels`); this type only carries shape and convenience accessors.
package struct Matrix: Sendable, Equatable {
    package let rows: Int
    package let cols: Int
    package var storage: [Float]

    package init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "negative matrix shape")
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: value, count: rows * cols)
    }

    package init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "storage count \(storage.count) != \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds a matrix from rows of equal length.
    package init(_ rowArrays: [[Float]]) {
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "ragged rows")
        self.init(rows: rowArrays.count, cols: c, storage: rowArrays.flatMap { $0 })
    }

    /// Allocates without initialising meaningful values; `body` must write every element.
    @inline(__always)
    package init(rows: Int, cols: Int, filling body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        self.rows = rows
        self.cols = cols
        self.storage = [Float](unsafeUninitializedCapacity: rows * cols) { buffer, count in
            body(buffer)
            count = rows * cols
        }
    }

    package static func zeros(_ rows: Int, _ cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) }

    package var count: Int { rows * cols }
    package var shape: (rows: Int, cols: Int) { (rows, cols) }

    package subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// The row-major transpose.
    package func transposed() -> Matrix {
        Matrix(rows: cols, cols: rows) { out in
            storage.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = out.baseAddress else { return }
                Kernels.transpose(s, d, rows: rows, cols: cols)
            }
        }
    }

    /// Column `j` as an `rows × 1` matrix.
    package func column(_ j: Int) -> Matrix {
        precondition(j >= 0 && j < cols, "column \(j) out of range 0..<\(cols)")
        return Matrix(rows: rows, cols: 1) { out in
            storage.withUnsafeBufferPointer { src in
                for r in 0..<rows { out[r] = src[r * cols + j] }
            }
        }
    }

    /// Places matrices with equal row counts side by side.
    package static func concatColumns(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        let rows = first.rows
        precondition(parts.allSatisfy { $0.rows == rows }, "concatColumns: row counts differ")
        let cols = parts.reduce(0) { $0 + $1.cols }
        return Matrix(rows: rows, cols: cols) { out in
            var offset = 0
            for p in parts {
                p.storage.withUnsafeBufferPointer { src in
                    for r in 0..<rows {
                        for c in 0..<p.cols { out[r * cols + offset + c] = src[r * p.cols + c] }
                    }
                }
                offset += p.cols
            }
        }
    }

    /// Stacks matrices with equal column counts on top of each other.
    package static func concatRows(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        precondition(parts.allSatisfy { $0.cols == first.cols }, "concatRows: column counts differ")
        return Matrix(rows: parts.reduce(0) { $0 + $1.rows }, cols: first.cols,
                      storage: parts.flatMap { $0.storage })
    }

    /// Rows `range` as a new matrix.
    package func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols,
               storage: Array(storage[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// The rows at `indices`, in that order, as a new matrix.
    package func rows(at indices: ArraySlice<Int>) -> Matrix {
        let cols = cols
        return Matrix(rows: indices.count, cols: cols) { out in
            storage.withUnsafeBufferPointer { src in
                indices.withUnsafeBufferPointer { idx in
                    for r in 0..<idx.count {
                        let i = idx[r]
                        precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
                        for c in 0..<cols { out[r * cols + c] = src[i * cols + c] }
                    }
                }
            }
        }
    }

    /// True when every element is finite.
    package var isFinite: Bool {
        storage.withUnsafeBufferPointer { p in
            var ok = true
            for v in p where !v.isFinite { ok = false; break }
            return ok
        }
    }

    /// Applies `f` element-wise (not for hot paths; see `Kernels`).
    package func map(_ f: (Float) -> Float) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: storage.map(f))
    }
}
