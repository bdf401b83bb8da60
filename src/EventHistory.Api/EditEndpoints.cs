using EventHistory.Api.OpenApi;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

/// Edits beyond the headline. Each needs If-Match (the expected revision, or *) and answers the new ETag;
/// retract and restore need an admin key, the others an editor's.
public static class EditEndpoints
{
    public sealed record SummaryBody(string? Summary, string? Reason);
    public sealed record SourceBody(string? Name, string? Url, string? Reason);
    public sealed record RelatedBody(string? Path, string? Context, string? Headline, string? Reason);
    public sealed record TopicBody(string? Topic, string? Reason);
    public sealed record RevertBody(long? Revision, string? Reason);
    public sealed record ReasonBody(string? Reason);
    public sealed record SourceRemovalBody(string? Url, string? Reason);
    public sealed record RelatedRemovalBody(string? Path, string? Reason);

    public static void MapEdits(this RouteGroupBuilder item)
    {
        item.MapPost("/summary", (Guid id, SummaryBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new ReviseSummary.Command(id, body.Summary ?? "", body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("ReviseSummary", "Revise the summary")
            .RequireAuthorization(Policies.Edit);

        item.MapPost("/sources", (Guid id, SourceBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new AddSource.Command(id, body.Name ?? "", body.Url ?? "", body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("AddSource", "Add a source")
            .RequireAuthorization(Policies.Edit);

        // A DELETE names what goes in its query (?url=...&reason=...) or, as clients often send it, in a JSON body.
        item.MapDelete("/sources", async (Guid id, string? url, string? reason, IMediator m, HttpContext http, CancellationToken ct) =>
        {
            var body = await DeleteBody.ReadAsync<SourceRemovalBody>(http, url ?? reason, ct);
            return await Send(m, http, new RemoveSource.Command(id, body?.Url ?? url ?? "", body?.Reason ?? reason, IfMatch.Required(http)), ct);
        })
            .ItemEdit("RemoveSource", "Remove a source")
            .RequireAuthorization(Policies.Edit);

        item.MapPost("/related", (Guid id, RelatedBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new LinkRelatedItem.Command(id, body.Path ?? "", body.Context, body.Headline, body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("LinkRelatedItem", "Link a related item")
            .RequireAuthorization(Policies.Edit);

        item.MapDelete("/related", async (Guid id, string? path, string? reason, IMediator m, HttpContext http, CancellationToken ct) =>
        {
            var body = await DeleteBody.ReadAsync<RelatedRemovalBody>(http, path ?? reason, ct);
            return await Send(m, http, new UnlinkRelatedItem.Command(id, body?.Path ?? path ?? "", body?.Reason ?? reason, IfMatch.Required(http)), ct);
        })
            .ItemEdit("UnlinkRelatedItem", "Unlink a related item")
            .RequireAuthorization(Policies.Edit);

        item.MapPut("/topic", (Guid id, TopicBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new ChangeTopic.Command(id, body.Topic, body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("ChangeTopic", "Change or clear the topic")
            .RequireAuthorization(Policies.Edit);

        item.MapPost("/revert", (Guid id, RevertBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new RevertToRevision.Command(id, body.Revision ?? 0, body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("RevertToRevision", "Revert to an earlier revision (a new revision with its content)")
            .RequireAuthorization(Policies.Edit);

        item.MapPost("/retract", (Guid id, ReasonBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new RetractNewsItem.Command(id, body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("RetractItem", "Retract an item (admin; needs a reason)")
            .RequireAuthorization(Policies.Admin);

        item.MapPost("/restore", (Guid id, ReasonBody body, IMediator m, HttpContext http, CancellationToken ct) =>
            Send(m, http, new RestoreNewsItem.Command(id, body.Reason, IfMatch.Required(http)), ct))
            .ItemEdit("RestoreItem", "Restore a retracted item (admin; needs a reason)")
            .RequireAuthorization(Policies.Admin);
    }

    private static async Task<IResult> Send(IMediator mediator, HttpContext http, IRequest<EditResult> command, CancellationToken ct)
    {
        var result = await mediator.Send(command, ct);
        ItemEndpoints.SetETag(http, result.Revision);
        return Results.Ok(result);
    }
}
