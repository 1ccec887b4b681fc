/// The web chat page: only the addresses of its assets.
struct ChatClientPage {
    let links = PageLinks()
}
