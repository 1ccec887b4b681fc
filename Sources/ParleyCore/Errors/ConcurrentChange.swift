/// A write made without locks found that what it had read changed before it wrote, and so wrote
/// nothing; it is to be made again under locks.
struct ConcurrentChange: Error {}
