using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EventHistory.Web;

/// An editor's edit of the headline or summary, made on the revision they saw: through the same
/// commands as the API, so a stale revision is refused (nothing written) and the page shows what
/// changed since, with their text kept in the form.
public static class EditPages
{
    /// What the form shows: the text being edited, the revision it is made on, and why it came back.
    public sealed record Draft(string Headline, string Summary, string? Reason, long Expected, string? Error = null, Comparison? Conflict = null);

    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/items/{id:guid}/edit", (Guid id, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            if (!ctx.CanEdit) return SignInFirst(id);
            var item = await m.Send(new GetNewsItem.Query(id), ct);
            return Form(http, ctx, item, new Draft(item.Headline, item.Summary, null, item.Revision));
        }));

        web.MapPost("/items/{id:guid}/edit", async (Guid id, HttpContext http, IMediator m, EditorContext editor, CancellationToken ct) =>
        {
            if (await Forms.ReadAsync(http) is not { } form) return Forms.Refused(http);
            return await Html.Guard(http, async ctx =>
            {
                if (!ctx.CanEdit) return SignInFirst(id);
                // The audit trail names the session's key holder, whatever host middleware ran before us.
                editor.Editor = ctx.User;
                var draft = new Draft(form["headline"].FirstOrDefault() ?? "", form["summary"].FirstOrDefault() ?? "",
                    form["reason"].FirstOrDefault() is { Length: > 0 } why ? why : null,
                    long.TryParse(form["expected"].FirstOrDefault(), out var expected) && expected > 0 ? expected : 0);
                if (draft.Expected == 0) throw new ValidationException("The form does not say which revision it was made on.");
                var seen = await m.Send(new GetRevision.Query(id, draft.Expected), ct);
                try
                {
                    var revision = draft.Expected;
                    if (draft.Headline != seen.Headline)
                        revision = (await m.Send(new ReviseHeadline.Command(id, draft.Headline, draft.Reason, revision), ct)).Revision;
                    if (Normalize(draft.Summary) != seen.Summary)
                        revision = (await m.Send(new ReviseSummary.Command(id, Normalize(draft.Summary), draft.Reason, revision), ct)).Revision;
                    if (revision == draft.Expected) return Form(http, ctx, seen, draft with { Error = "Nothing changed: there is nothing to save." }, 400);
                    return Results.Redirect(WebPaths.History(id));
                }
                catch (ConcurrencyException c)
                {
                    // Nothing was written. Their text stays; the form is now made on the current revision, so
                    // sending it again is a knowing choice over what they have just been shown.
                    var conflict = await Comparison.LoadAsync(m, id, draft.Expected, c.ActualVersion, ct);
                    return Form(http, ctx, conflict.To, draft with { Expected = c.ActualVersion, Conflict = conflict }, 409);
                }
                catch (EditRejectedException e)
                {
                    return Form(http, ctx, seen, draft with { Error = e.Message }, 422);
                }
                catch (ValidationException e)
                {
                    return Form(http, ctx, seen, draft with { Error = string.Join(" ", e.Errors.Select(f => f.ErrorMessage)) }, 400);
                }
            });
        });
    }

    /// A textarea sends its lines with CR LF; the summary is stored with LF.
    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static IResult SignInFirst(Guid id) => Results.Redirect("/sign-in?returnUrl=" + Uri.EscapeDataString(WebPaths.Edit(id)));

    private static IResult Form(HttpContext http, WebContext ctx, NewsItem item, Draft draft, int status = 200) =>
        Html.Page<Components.EditPage>(http, new { Ctx = ctx, Item = item, Draft = draft }, status);
}
