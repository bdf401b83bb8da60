using EventHistory.Infrastructure;
using FluentValidation;
using FluentValidation.Results;
using MediatR;

namespace EventHistory.Pages;

/// Import one page file (item page or day page) given its path and text.
public static class ImportPage
{
    public const int MaxPageLength = 1_000_000;

    public sealed record Command(string Path, string Text, DateTimeOffset? At = null) : IRequest<ImportOutcome>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Path).NotEmpty().MaximumLength(Rules.MaxUrl)
                .Must(p => PagePaths.Split(p) is not null).WithMessage("'Path' must be a page path /news/YYYY/MM/D/SLUG.md or /zh/news/....");
            RuleFor(c => c.Text).NotEmpty().MaximumLength(MaxPageLength);
            // PostgreSQL cannot store U+0000 in text or jsonb; no real page has one.
            RuleFor(c => c.Text).Custom((text, context) =>
            {
                var at = text?.IndexOf('\0') ?? -1;
                if (at >= 0) context.AddFailure("Text", $"line {1 + text!.AsSpan(0, at).Count('\n')}: a NUL character");
            });
        }
    }

    public sealed class Handler(EventStore.EventStore store, EditorContext editor) : IRequestHandler<Command, ImportOutcome>
    {
        public async Task<ImportOutcome> Handle(Command c, CancellationToken ct)
        {
            try
            {
                return await new PageImporter(store, editor).ImportAsync(c.Path, c.Text, c.At, ct);
            }
            catch (PageFormatException e)
            {
                // The page's own line, so the CLI can say file:line and the API names the field.
                throw new ValidationException([new ValidationFailure("Text", e.Line > 0 ? $"line {e.Line}: {e.Reason}" : e.Reason) { CustomState = e.Line }]);
            }
        }
    }
}

/// Import many page files at once (item pages, day pages, deletions), a batch per transaction. A
/// page that breaks a rule is rejected on its own, with its line; the others go on.
public static class ImportPages
{
    public const int MaxPages = 10_000;

    public sealed record Command(IReadOnlyList<PageInput> Pages, ImportOptions Options) : IRequest<IReadOnlyList<PageResult>>;

    /// The batch as a whole; each page is checked by ImportPage's rules and rejected on its own.
    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Pages).NotNull().Must(p => p.Count <= MaxPages).WithMessage($"'Pages' holds at most {MaxPages} pages.");
    }

    private static readonly ImportPage.Validator Rules = new();

    /// Why a page breaks ImportPage's rules (with its line when one is known), or null.
    public static PageFormatException? Check(PageInput page)
    {
        var failures = page.Text is null
            ? PagePaths.Split(page.Path) is null ? [new ValidationFailure("Path", $"'{page.Path}' is not a page path")] : []
            : Rules.Validate(new ImportPage.Command(page.Path, page.Text, page.At)).Errors;
        return failures.Count == 0 ? null
            : new PageFormatException(failures[0].CustomState as int? ?? 0, string.Join("; ", failures.Select(f => f.ErrorMessage)));
    }

    public sealed class Handler(EventStore.EventStore store, EditorContext editor) : IRequestHandler<Command, IReadOnlyList<PageResult>>
    {
        public async Task<IReadOnlyList<PageResult>> Handle(Command c, CancellationToken ct)
        {
            var results = new PageResult?[c.Pages.Count];
            var accepted = new List<(int Index, PageInput Page)>();
            foreach (var (page, i) in c.Pages.Select((p, i) => (p, i)))
            {
                if (Check(page) is { } rejected) results[i] = new PageResult(page.Path, null, rejected);
                else accepted.Add((i, page));
            }
            var importer = new PageImporter(store, editor);
            var done = await importer.ImportManyAsync([.. accepted.Select(a => a.Page)], c.Options, ct);
            foreach (var (a, result) in accepted.Zip(done)) results[a.Index] = result;
            return [.. results.Select(r => r!)];
        }
    }
}

/// Every page rendered from history, as of a time if given.
public static class ExportPages
{
    public sealed record Query(DateTimeOffset? AsOf = null) : IRequest<List<ExportedPage>>;

    public sealed class Handler(EventStore.EventStore store) : IRequestHandler<Query, List<ExportedPage>>
    {
        public Task<List<ExportedPage>> Handle(Query q, CancellationToken ct) => new PageExporter(store).ExportAsync(q.AsOf, ct);
    }
}
