/// The sign-in page: the form as typed, and what went wrong.
struct LoginModel {
    let links = PageLinks()
    let csrfToken: String
    let email: String
    let next: String
    let error: String?
    let notice: String?
}
