import Report
import Testing

@testable import Accounting

@Suite struct UserDirectoryTests {
    @Test func userDirectoryErrorsNameTheLine() {
        #expect(throws: UserDirectory.LoadError.self) {
            try UserDirectory.parseCSV("user,phone\nalice,1\n", file: "u.csv")
        }
        do {
            _ = try UserDirectory.parseCSV("# users\nuser,name\nalice,A\nalice,B\n", file: "u.csv")
            Issue.record("a duplicate user was accepted")
        } catch {
            #expect(error.description == "u.csv:4: user alice is listed twice")
        }
        #expect(throws: UserDirectory.LoadError.self) {
            try UserDirectory.parseCSV("user,name\nalice\n", file: "u.csv")
        }
        #expect(throws: UserDirectory.LoadError.self) {
            try UserDirectory.parseYAML("alice: {phone: 1}\n", file: "u.yml")
        }
        #expect((try? UserDirectory.parseYAML("bob: {uid: 7}\n", file: "u.yml")) == ["bob": .init(uid: "7")])
    }

    @Test func csvQuotingAndCommentsFollowRFC4180() throws {
        let text =
            "# directory\r\nuser,name,email\r\n\"jane.doe\",\"Doe, Jane \"\"JD\"\"\",jane@example.org\r\n\nbob,,\n"
        let users = try UserDirectory.parseCSV(text, file: "u.csv")
        #expect(users["jane.doe"] == UserRecord(name: "Doe, Jane \"JD\"", email: "jane@example.org"))
        #expect(users["bob"] == UserRecord())
        #expect(users.count == 2)
    }
}
