import Plot

extension Node {
    /// A text node that shows `s` exactly as written. Plot escapes `<`, `>` and a bare `&`, but
    /// passes what already looks like an entity through (`&lt;b&gt;` would show as `<b>`, still
    /// text, never markup); every `&` is made `&amp;` first, so a name reads on the page as it
    /// does in the CSV and JSON.
    static func literal(_ s: String) -> Node { .text(s.replacingOccurrences(of: "&", with: "&amp;")) }
}
