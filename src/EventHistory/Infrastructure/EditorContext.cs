namespace EventHistory.Infrastructure;

/// Who is asking, as the front door authenticated them, and the ids that tie a request together.
/// Handlers read the editor from here, never from the command, so the audit trail records
/// who really wrote, not what a client claims to be.
public sealed class EditorContext
{
    public string? Editor { get; set; }
    public string? CorrelationId { get; set; }
    public string? CommandId { get; set; }
    /// What caused the edit (a request, a command); defaults to the command id.
    public string? CausationId { get; set; }
    /// The request the command id was given for (RequestFingerprint): the id is bound to it.
    public byte[]? RequestHash { get; set; }
    /// The item this request wrote to, having found it not archived under the item's lock (an
    /// append's guard, or the archive itself): the front door need not ask again.
    public Guid? ArchiveCheckedFor { get; set; }
}
