using EventHistory.Api;

var app = await ApiHost.BuildAsync(args);
await app.RunAsync();
