import Foundation
import SQLKit
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix

/// Creates accounts and checks passwords. Passwords are only ever stored as bcrypt hashes.
public struct UserService: Sendable {
    public static let minimumPasswordLength = 8
    /// bcrypt reads only the first 72 bytes of a password; a longer one would match any other
    /// password with the same first 72 bytes, so it is refused instead.
    public static let maximumPasswordBytes = 72

    let database: Database
    /// Hears that an account changed, so that every instance looks its tokens up again.
    let events: any ChatEventBus
    public let bcryptCost: UInt8
    let clock: @Sendable () -> Date

    /// Without `events`, changes are announced on a bus of the database's kind of their own
    /// (``Database/makeEventBus(logger:)``): other instances hear them, this process does not.
    public init(
        database: Database, events: (any ChatEventBus)? = nil, bcryptCost: UInt8 = 12,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.events = events ?? database.makeEventBus()
        self.bcryptCost = bcryptCost
        self.clock = clock
    }

    /// Validates and stores a new account.
    public func createUser(name: String, email: String, role: UserRole, password: String) async throws -> User {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = Self.problems(name: name, email: email, password: password).first { throw problem }
        let hash = try await hashPassword(password)
        let now = clock()
        do {
            return try await database.write { db in
                let users = UserRepository(db)
                if try await users.find(email: email) != nil { throw UserError.emailTaken(email) }
                let user = try await users.insert(name: name, email: email, role: role, passwordHash: hash, at: now)
                try await AuditLogRepository(db).appendAction(
                    .userCreated, target: .user, ids: [user.id], summary: "role: \(role.rawValue)", at: now)
                return user
            }
        } catch  where Database.isUniqueViolation(error) {
            throw UserError.emailTaken(email)
        }
    }

    /// Changes an account; the password only when a new one is given.
    public func updateUser(
        id: Int64, name: String, email: String, role: UserRole, password: String?
    ) async throws
        -> User
    {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        let password = password.flatMap { $0.isEmpty ? nil : $0 }
        if let problem = Self.problems(name: name, email: email, password: password).first { throw problem }
        var hash: String?
        if let password { hash = try await hashPassword(password) }
        let now = clock()
        do {
            return try await database.write(publishingTo: events, at: now) { db in
                let users = UserRepository(db)
                if try await users.isErased(id: id) { throw UserError.erased(id: id) }
                if let other = try await users.find(email: email), other.id != id { throw UserError.emailTaken(email) }
                guard let previous = try await users.find(id: id),
                    let user = try await users.update(
                        id: id, name: name, email: email, role: role, passwordHash: hash, at: now)
                else { throw UserError.userNotFound(id: id) }
                try await AuditLogRepository(db).appendAction(
                    .userEdited, target: .user, ids: [id],
                    summary: Self.changes(previous, user, passwordChanged: hash != nil), at: now)
                return (user, [.accessChanged(userID: id)])
            }
        } catch  where Database.isUniqueViolation(error) {
            throw UserError.emailTaken(email)
        }
    }

    /// Sets a new password for the account with `email` and signs it out everywhere (its admin
    /// panel sessions and API tokens), so whoever knew the old password loses access at once.
    public func resetPassword(email: String, password: String) async throws -> User {
        if let problem = Self.problems(name: "-", email: "a@b.c", password: password).first { throw problem }
        let hash = try await hashPassword(password)
        let now = clock()
        return try await database.write(publishingTo: events, at: now) { db in
            let users = UserRepository(db)
            guard let user = try await users.find(email: email) else { throw UserError.unknownEmail(email) }
            if try await users.isErased(id: user.id) { throw UserError.erased(id: user.id) }
            try await users.updatePasswordHash(id: user.id, passwordHash: hash, at: now)
            try await users.signOutEverywhere(id: user.id)
            return (user, [.accessChanged(userID: user.id)])
        }
    }

    /// What an edit changed, for the audit log: which fields, never their values but the role's.
    static func changes(_ before: User, _ after: User, passwordChanged: Bool) -> String {
        var changed: [String] = []
        if before.name != after.name { changed.append("name changed") }
        if before.email != after.email { changed.append("email changed") }
        if before.role != after.role { changed.append("role: \(before.role.rawValue) → \(after.role.rawValue)") }
        if passwordChanged { changed.append("password changed") }
        return changed.isEmpty ? "no change" : changed.joined(separator: "; ")
    }

    /// Everything wrong with an account's fields, one error per field, so a form can show them all
    /// at once. `password` nil means "keep the current one" (only allowed when editing).
    public static func problems(name: String, email: String, password: String?) -> [UserError] {
        var problems: [UserError] = []
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append(.nameRequired) }
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if !looksLikeEmail(email) { problems.append(.invalidEmail(email)) }
        if let password, password.count < minimumPasswordLength {
            problems.append(.passwordTooShort(minimum: minimumPasswordLength))
        } else if let password, password.utf8.count > maximumPasswordBytes {
            problems.append(.passwordTooLong(maximumBytes: maximumPasswordBytes))
        }
        return problems
    }

    /// The user with this email and password, or nil. Takes as long for an unknown email as for a
    /// wrong password, so the answer time does not reveal which accounts exist.
    public func authenticate(email: String, password: String) async throws -> User? {
        let user = try await database.read { db in try await UserRepository(db).find(email: email) }
        // A password bcrypt would cut short never matches, but still costs one verification.
        let tooLong = password.utf8.count > Self.maximumPasswordBytes
        // An erased account's hash is not bcrypt at all (PersonalDataService): the decoy stands in.
        let stored = user?.passwordHash.hasPrefix("$2") == true ? user?.passwordHash : nil
        let hash = tooLong ? decoyHash : stored ?? decoyHash
        let matches = try await PasswordHashingPool.run {
            Bcrypt.verify(password, hash: hash)
        }
        return matches && !tooLong ? user : nil
    }

    /// Hashes on ``PasswordHashingPool``: bcrypt takes a quarter of a second by design.
    public func hashPassword(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await PasswordHashingPool.run { Bcrypt.hash(password, cost: cost) }
    }

    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), email.count <= 254
        else { return false }
        return !email.contains(where: { $0.isWhitespace })
    }

    // A hash of a random password, so an unknown email still costs one bcrypt verification.
    // Of the same cost as the hashes this service writes, so both take as long to verify.
    var decoyHash: String {
        let cost = bcryptCost
        return Self.decoys.withLockedValue { decoys in
            if let hash = decoys[cost] { return hash }
            let hash = Bcrypt.hash(UUID().uuidString, cost: cost)
            decoys[cost] = hash
            return hash
        }
    }

    private static let decoys = NIOLockedValueBox<[UInt8: String]>([:])
}
