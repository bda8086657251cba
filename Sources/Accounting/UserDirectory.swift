import Foundation
import Report
import Yams

/// The optional user directory of `workspaces`: platform user name → name, email, uid.
///
/// CSV: a header naming `user` and any of `name`, `email`, `uid`, then one row per user (RFC 4180 quoting;
/// blank lines and lines starting with `#` are skipped). YAML: a mapping from user name to
/// `{name, email, uid}`. A user listed twice, an unknown column or key, or a row of the wrong width is an
/// error naming the line.
public enum UserDirectory {
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String) throws(LoadError) -> [String: UserRecord] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "\(path): cannot read the user directory: \(error.localizedDescription)")
        }
        return path.hasSuffix(".csv") ? try parseCSV(text, file: path) : try parseYAML(text, file: path)
    }

    public static func parseCSV(_ text: String, file: String) throws(LoadError) -> [String: UserRecord] {
        var users: [String: UserRecord] = [:]
        var columns: [String]?
        // Split on every line break: Swift reads "\r\n" as one Character, so splitting on "\n" alone would keep a
        // CRLF file (as spreadsheets write them) in one piece.
        for (index, row) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if row.trimmingCharacters(in: .whitespaces).isEmpty || row.hasPrefix("#") { continue }
            let lineNumber = index + 1
            let fields = try fields(of: row, file: file, line: lineNumber)
            guard let header = columns else {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                for name in names where !["user", "name", "email", "uid"].contains(name) {
                    throw LoadError(
                        description: "\(file):\(lineNumber): unknown column \(name) (expected user, name, email, uid)")
                }
                guard names.contains("user") else {
                    throw LoadError(description: "\(file):\(lineNumber): the header needs a user column")
                }
                columns = names
                continue
            }
            guard fields.count == header.count else {
                throw LoadError(
                    description: "\(file):\(lineNumber): \(fields.count) fields, the header has \(header.count)")
            }
            var values: [String: String] = [:]
            for (name, value) in zip(header, fields) where !value.isEmpty { values[name] = value }
            guard let user = values["user"] else { throw LoadError(description: "\(file):\(lineNumber): empty user") }
            guard users[user] == nil else {
                throw LoadError(description: "\(file):\(lineNumber): user \(user) is listed twice")
            }
            users[user] = UserRecord(name: values["name"], email: values["email"], uid: values["uid"])
        }
        return users
    }

    /// One CSV record's fields (RFC 4180: quoted fields may hold commas and doubled quotes).
    public static func fields(of row: Substring, file: String, line: Int) throws(LoadError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var index = row.startIndex
        while index < row.endIndex {
            let character = row[index]
            if quoted {
                if character == "\"" {
                    let next = row.index(after: index)
                    if next < row.endIndex, row[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "," {
                fields.append(current)
                current = ""
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else {
                current.append(character)
            }
            index = row.index(after: index)
        }
        guard !quoted else { throw LoadError(description: "\(file):\(line): unterminated quoted field") }
        fields.append(current)
        return fields
    }

    public static func parseYAML(_ text: String, file: String) throws(LoadError) -> [String: UserRecord] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(description: "\(file): invalid YAML: \(error)")
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw LoadError(description: "\(file):\(root.mark?.line ?? 1): expected a mapping of user names")
        }
        var users: [String: UserRecord] = [:]
        for (key, value) in mapping {
            let line = key.mark?.line ?? 0
            guard let user = key.string, !user.isEmpty else {
                throw LoadError(description: "\(file):\(line): user names must be strings")
            }
            guard users[user] == nil else {
                throw LoadError(description: "\(file):\(line): user \(user) is listed twice")
            }
            guard let fields = value.mapping else {
                throw LoadError(description: "\(file):\(line): \(user) needs {name, email, uid}")
            }
            var record = UserRecord()
            for (field, content) in fields {
                guard let scalar = content.scalar?.string else {
                    throw LoadError(
                        description:
                            "\(file):\(field.mark?.line ?? line): \(user).\(field.string ?? "?") must be a scalar")
                }
                switch field.string {
                case "name": record.name = scalar
                case "email": record.email = scalar
                case "uid": record.uid = scalar
                default:
                    throw LoadError(
                        description:
                            "\(file):\(field.mark?.line ?? line): unknown key \(field.string ?? "?") for \(user) (expected name, email, uid)"
                    )
                }
            }
            users[user] = record
        }
        return users
    }
}
