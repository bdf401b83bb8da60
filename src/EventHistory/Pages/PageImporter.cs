using EventHistory.EventStore;
using EventHistory.Infrastructure;

namespace EventHistory.Pages;

/// What importing one page did. Appended is 0 when the page was already known.
public sealed record ImportOutcome(string Path, Guid StreamId, bool NewItem, int Appended);

/// A page file to import: its path, its text (null: the file was deleted), the time it was
/// written (null: the time the page itself shows), headers for its events beside the batch's, and
/// where it came from for the events' reason ("at commit 4a524d09029f").
public sealed record PageInput(
    string Path, string? Text, DateTimeOffset? At = null, IReadOnlyDictionary<string, string>? Headers = null, string? Origin = null);

/// One page's result in a batch: what it appended, or why it was rejected (its line, when known).
/// UnknownLine is set when a history import kept the page verbatim: where its layout stopped being known.
public sealed record PageResult(string Path, ImportOutcome? Outcome, PageFormatException? Rejection)
{
    public string? UnknownLine { get; init; }
}

/// How a batch is imported. History: a page of an unknown layout is kept byte for byte instead of
/// rejected (a git history replays what the site really served). Alongside appends to other
/// streams in the same transaction (an import's own progress).
public sealed record ImportOptions(bool History = false, IReadOnlyList<StreamAppend>? Alongside = null);

/// Turns pages into history: finds each page's item by any path it shares with it (its own or one
/// in its Changes list), decides what the page adds, and appends that. A batch of pages is one
/// transaction, all or nothing; if another writer got there first, each page is decided again on
/// its own, so a conflict costs speed, never a page.
///
/// An import needs no command id: what a page adds is decided from the item's stored history, and
/// each stream is appended at the version that decision read. A retried or concurrent import of the
/// same pages therefore either finds them known (nothing to add) or meets the version the first
/// one wrote (a conflict, decided again): it never appends a page twice.
public sealed class PageImporter(EventStore.EventStore store, EditorContext editor)
{
    /// Many pages per transaction: the bulk path of `import DIR` and `import-git`.
    public const int BatchSize = 200;

    public async Task<ImportOutcome> ImportAsync(string path, string text, DateTimeOffset? at, CancellationToken ct)
    {
        var result = (await ImportManyAsync([new PageInput(path, text, at)], new ImportOptions(), ct))[0];
        return result.Outcome ?? throw result.Rejection!;
    }

    public async Task<IReadOnlyList<PageResult>> ImportManyAsync(IReadOnlyList<PageInput> pages, ImportOptions options, CancellationToken ct)
    {
        var editorName = editor.Editor ?? throw new EditRejectedException("Importing pages needs an authenticated editor.");
        var metadata = new EventMetadata(editorName, editor.CorrelationId);
        try
        {
            return await TryImportAsync(pages, options, metadata, ct);
        }
        catch (ConcurrencyException)
        {
            // Someone appended to one of the batch's streams meanwhile: decide again on what is
            // there now, page by page when there were several (the progress append stays with the first).
            if (pages.Count == 1) return await TryImportAsync(pages, options, metadata, ct);
            var results = new List<PageResult>();
            for (var i = 0; i < pages.Count; i++)
            {
                try
                {
                    results.AddRange(await ImportManyAsync([pages[i]], i == 0 ? options : options with { Alongside = null }, ct));
                }
                catch (ConcurrencyException again)
                {
                    // Still contended after deciding again: this page is refused, the others go on.
                    results.Add(new PageResult(pages[i].Path, null, new PageFormatException(0, again.Message)));
                }
            }
            return results;
        }
    }

    private async Task<IReadOnlyList<PageResult>> TryImportAsync(
        IReadOnlyList<PageInput> pages, ImportOptions options, EventMetadata metadata, CancellationToken ct)
    {
        var batch = await ImportBatch.LoadAsync(store, pages, options, ct);
        var results = pages.Select(batch.Decide).ToList();
        var appends = batch.Appends();
        if (options.Alongside is { } alongside) appends.AddRange(alongside);
        await store.AppendManyAsync(appends, metadata, ct);
        return results;
    }
}
