using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Cli.Commands;

/// An ITEM argument is an id, or any path the item ever had (with or without the leading slash).
public static class ItemReference
{
    public static async Task<Guid> ResolveAsync(IMediator mediator, string item, CancellationToken ct = default)
    {
        if (Guid.TryParse(item, out var id)) return id;
        var path = item.StartsWith('/') ? item : "/" + item;
        return await mediator.Send(new FindNewsItemByPath.Query(path), ct);
    }

    public static async Task<Guid?> ResolveOptionalAsync(IMediator mediator, string? item) =>
        item is null ? null : await ResolveAsync(mediator, item);
}
