extension Duration {
    /// The duration in seconds, as metrics record it.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
