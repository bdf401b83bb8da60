using System.Net.Http.Headers;
using System.Reflection;
using EventHistory.Api.Tests;

namespace EventHistory.Api.ClientTests;

/// The OpenAPI document is proven by a client generated from it: through the generated methods and
/// types only, an item is created, revised with If-Match, refused for a stale If-Match with the
/// typed 409 problem, and its first revision read back.
public sealed class GeneratedClientTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task a_client_generated_from_the_document_creates_revises_is_refused_a_stale_edit_and_reads_the_first_revision()
    {
        var source = GeneratedClient.Generate(await server.Anonymous.GetStringAsync("/openapi/v1.json"));
        var assembly = GeneratedClient.Compile(source);
        Type Generated(string name) => assembly.GetType($"{GeneratedClient.Namespace}.{name}")
            ?? throw new InvalidOperationException($"The generated client has no type {name}.");

        using var http = new HttpClient { BaseAddress = server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = server.Client.DefaultRequestHeaders.Authorization;
        dynamic client = Activator.CreateInstance(Generated(GeneratedClient.ClassName), http)!;

        dynamic create = Activator.CreateInstance(Generated("CreateBody"))!;
        create.Date = "2017-07-30";
        create.Headline = "Putin expels 755 United States diplomats";
        create.Summary = "Russia orders the United States to cut its diplomatic staff.";
        // CreateItemAsync(idempotencyKey, body): a 201 is the generated method's success, EditResult its type.
        var created = await client.CreateItemAsync(null, create);
        Guid id = created.ItemId;
        Assert.Equal(1L, (long)created.Revision);

        dynamic revise = Activator.CreateInstance(Generated("HeadlineBody"))!;
        revise.Headline = "Putin expels 755 U.S. diplomats";
        revise.Reason = "house style";
        // ReviseHeadlineAsync(id, idempotencyKey, ifMatch, body)
        var revised = await client.ReviseHeadlineAsync(id, null, "\"1\"", revise);
        Assert.Equal(2L, (long)revised.Revision);

        revise.Headline = "A stale edit";
        var conflict = await Assert.ThrowsAnyAsync<Exception>(async () => await client.ReviseHeadlineAsync(id, null, "\"1\"", revise));
        var conflictType = conflict.GetType();
        Assert.True(conflictType.IsGenericType && conflictType.GetGenericTypeDefinition().Name == "ApiException`1",
            $"a 409 should be the generated ApiException<T>, not {conflictType}");
        Assert.Equal(409, (int)((dynamic)conflict).StatusCode);
        dynamic problem = conflictType.GetProperty("Result")!.GetValue(conflict)!;
        Assert.Equal("ConflictProblemDetails", ((object)problem).GetType().Name);
        Assert.Equal(2L, (long)problem.CurrentRevision);

        // GetRevisionAsync(id, revision, consistencyToken, ifNoneMatch), GetItemAsync(id, asOf, recordedAsOf, consistencyToken,
        // ifNoneMatch): reads take a Consistency-Token and If-None-Match.
        var first = await client.GetRevisionAsync(id, 1L, null, null);
        Assert.Equal("Putin expels 755 United States diplomats", (string)first.Headline);
        Assert.Equal(1L, (long)first.Revision);
        var current = await client.GetItemAsync(id, null, null, null, null);
        Assert.Equal("Putin expels 755 U.S. diplomats", (string)current.Headline);
    }
}
