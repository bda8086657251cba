import GRDB

/// One row of the store read column by column, each value checked before it is used.
///
/// GRDB's subscripts stop the process (a fatal error) when a column holds a value of another type, such as
/// text in a numeric column; a damaged file must instead be refused with the file, table and row named.
struct StoredRow {
    let row: Row
    /// Where the row is, for the message: file, table and rowid.
    let location: String

    init(_ row: Row, table: String, file: String) {
        self.row = row
        let rowid = (row["rowid"] as DatabaseValue?).flatMap { Int64.fromDatabaseValue($0) }
        location = "\(file): table \(table), row \(rowid.map(String.init) ?? "?")"
    }

    func text(_ column: String) throws(StateStore.StoreError) -> String {
        let value = databaseValue(column)
        guard case .string(let text) = value.storage else {
            throw damage(column, "holds \(describe(value)), not text")
        }
        return text
    }

    /// Text, or nil for SQL NULL.
    func optionalText(_ column: String) throws(StateStore.StoreError) -> String? {
        if case .null = databaseValue(column).storage { return nil }
        return try text(column)
    }

    /// A finite number (SQLite may store an integral REAL as an integer).
    func number(_ column: String) throws(StateStore.StoreError) -> Double {
        guard let number = try optionalNumber(column) else { throw damage(column, "is empty") }
        return number
    }

    func optionalNumber(_ column: String) throws(StateStore.StoreError) -> Double? {
        let value = databaseValue(column)
        let number: Double
        switch value.storage {
        case .null: return nil
        case .int64(let integer): number = Double(integer)
        case .double(let double): number = double
        case .string, .blob: throw damage(column, "holds \(describe(value)), not a number")
        }
        guard number.isFinite else { throw damage(column, "holds \(number), not a finite number") }
        return number
    }

    /// A counter total: finite and not negative.
    func total(_ column: String) throws(StateStore.StoreError) -> Double {
        let number = try number(column)
        guard number >= 0 else { throw damage(column, "holds \(number); a total cannot be negative") }
        return number
    }

    /// A ratio from 0 to 1, or nothing.
    func optionalRatio(_ column: String) throws(StateStore.StoreError) -> Double? {
        guard let number = try optionalNumber(column) else { return nil }
        guard (0...1).contains(number) else { throw damage(column, "holds \(number), not a ratio from 0 to 1") }
        return number
    }

    func damage(_ column: String, _ problem: String) -> StateStore.StoreError {
        .damaged("\(location): column \(column) \(problem)")
    }

    private func databaseValue(_ column: String) -> DatabaseValue {
        (row[column] as DatabaseValue?) ?? .null
    }

    /// The value, shortened, for the message (a damaged file may hold anything, of any length).
    private func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .string(let text):
            let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "text \"\(short)\""
        case .blob(let data): return "a \(data.count)-byte blob"
        case .null: return "nothing"
        case .int64(let integer): return "\(integer)"
        case .double(let double): return "\(double)"
        }
    }
}
