/// Why the tests' template database could not be made or copied.
enum TestTemplateError: Error {
    /// `PARLEY_TEST_DATABASE_URL` (or a URL made from it) is not a URL a database can be named in.
    case badURL(String)
}
