using System.Net.Http.Json;
using System.Text.Json;
using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Api.Tests;

/// A day's items as they stood at any time, on the edit clock.
public sealed class DayApiTests(DayApiTests.Seeded seeded) : IClassFixture<DayApiTests.Seeded>
{
    public sealed class Seeded : IAsyncLifetime
    {
        public ApiServer Server { get; } = new();

        public async Task InitializeAsync()
        {
            await Server.InitializeAsync();
            var store = ExampleItem.StoreFor(Server.Db);
            var date = new DateOnly(2017, 7, 31);
            var a = Guid.CreateVersion7();
            await store.AppendAsync(a, NewsItemEventTypes.StreamType, 0, new INewsItemEvent[]
            {
                new NewsItemCreated(a, date, "Alpha happens ", "", [], null, null, [], "alpha-happens", "en", ExampleItem.At("2017-08-02T00:00:00Z")),
                new HeadlineRevised("Alpha happened ", "alpha-happened", ExampleItem.At("2017-08-04T00:00:00Z")),
                new NewsItemRetracted(ExampleItem.At("2017-08-07T00:00:00Z"), "false report"),
            }, new EventMetadata("importer"));
            var b = Guid.CreateVersion7();
            await store.AppendAsync(b, NewsItemEventTypes.StreamType, 0, new INewsItemEvent[]
            {
                new NewsItemCreated(b, date, "Beta happens ", "", [], null, null, [], "beta-happens", "en", ExampleItem.At("2017-08-05T00:00:00Z")),
            }, new EventMetadata("importer"));
        }

        public Task DisposeAsync() => Server.DisposeAsync();
    }

    private async Task<string[]> HeadlinesAsync(string query)
    {
        var day = await seeded.Server.Reader.GetFromJsonAsync<JsonElement>($"/api/days/2017-07-31{query}");
        return day.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("headline").GetString()!).ToArray();
    }

    [Fact]
    public async Task the_day_shows_each_item_as_it_stood_at_the_time()
    {
        Assert.Empty(await HeadlinesAsync("?asOf=2017-08-01"));
        Assert.Equal(["Alpha happens "], await HeadlinesAsync("?asOf=2017-08-03"));
        Assert.Equal(["Alpha happened ", "Beta happens "], await HeadlinesAsync("?asOf=2017-08-06"));
        Assert.Equal(["Beta happens "], await HeadlinesAsync("?asOf=2017-08-08"));
        Assert.Equal(["Beta happens "], await HeadlinesAsync(""));
    }

    [Fact]
    public async Task a_bad_date_or_time_names_the_parameter()
    {
        var badDate = await seeded.Server.Reader.GetAsync("/api/days/2017-02-30");
        Assert.Equal(400, (int)badDate.StatusCode);
        Assert.True((await badDate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("date", out _));
        var badTime = await seeded.Server.Reader.GetAsync("/api/days/2017-07-31?asOf=soon");
        Assert.True((await badTime.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("asOf", out _));
    }
}
