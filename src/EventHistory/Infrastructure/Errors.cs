namespace EventHistory.Infrastructure;

public sealed class NotFoundException(string what) : Exception($"{what} was not found.");

/// A command that is well formed but that the item's current state does not allow.
public sealed class EditRejectedException(string message) : Exception(message);
