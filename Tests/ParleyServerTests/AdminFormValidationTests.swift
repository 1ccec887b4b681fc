import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// Users and products forms show every problem at once, each beside its field.
@Suite("Admin user and product forms")
struct AdminFormValidationTests {
    @Test func theUserFormShowsEveryErrorAtOnce() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/users/create")
            let response = try await context.browser.post(
                "/admin/users", [("name", " "), ("email", "not-an-email"), ("password", "short"), ("role", "vendor")])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("Enter a name."))
            #expect(response.text.contains("is not an email address."))
            #expect(response.text.contains("Use a password of at least 8 characters."))
            #expect(response.text.contains("<option value=\"vendor\" selected>"))
        }
    }

    @Test func theProductFormShowsEveryErrorAtOnce() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/products/create")
            let response = try await context.browser.post("/admin/products", [("name", ""), ("vendor_id", "")])
            #expect(response.status == .unprocessableContent)
            #expect(
                response.text.contains("Enter the product&#39;s name.") || response.text.contains("Enter the product"))
            #expect(response.text.contains("Choose the vendor who sells this product."))
        }
    }
}
