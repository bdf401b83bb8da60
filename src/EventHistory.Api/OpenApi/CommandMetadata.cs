namespace EventHistory.Api.OpenApi;

/// Marks an endpoint that appends events through the store: it honours Idempotency-Key (a reused
/// key with another request is 422) and answers the item's new revision as its ETag. It may take
/// If-Match (a stale revision is 409 with currentRevision, a weak one 412), and an edit of an item
/// needs it (428 without; see IfMatch.Required). Its ETag is declared apart (SendsETag), as not every
/// answer of every command carries one.
public sealed record AppendsEventsMetadata(IfMatchUse IfMatch);

public enum IfMatchUse { None, Optional, Required }

/// Marks an endpoint whose answers with these statuses carry the item's revision as a strong ETag ("N").
public sealed record SendsETagMetadata(int[] Statuses);

/// Marks an endpoint that reads its body itself as text/plain (so it declares no IAcceptsMetadata,
/// which routing would use to refuse other content types with 415 before authorization runs).
public sealed record PlainTextBodyMetadata;

public static class CommandMetadataExtensions
{
    public static TBuilder ReadsPlainText<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PlainTextBodyMetadata());

    public static TBuilder AppendsEvents<TBuilder>(this TBuilder builder, IfMatchUse ifMatch) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AppendsEventsMetadata(ifMatch));

    public static TBuilder SendsETag<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SendsETagMetadata(statuses.Length == 0 ? [StatusCodes.Status200OK] : statuses));

    /// An edit of an existing item (EditEndpoints.Send): answers 200 with the EditResult and the new
    /// ETag, takes If-Match and Idempotency-Key, and 404 when there is no such item.
    public static RouteHandlerBuilder ItemEdit(this RouteHandlerBuilder builder, string name, string summary) =>
        builder.WithName(name).WithSummary(summary)
            .Produces<NewsItems.EditResult>().ProducesProblem(StatusCodes.Status404NotFound)
            .AppendsEvents(IfMatchUse.Required).SendsETag();
}
