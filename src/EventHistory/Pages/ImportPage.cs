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

/// Every page rendered from history, as of a time if given.
public static class ExportPages
{
    public sealed record Query(DateTimeOffset? AsOf = null) : IRequest<List<ExportedPage>>;

    public sealed class Handler(EventStore.EventStore store) : IRequestHandler<Query, List<ExportedPage>>
    {
        public Task<List<ExportedPage>> Handle(Query q, CancellationToken ct) => new PageExporter(store).ExportAsync(q.AsOf, ct);
    }
}
