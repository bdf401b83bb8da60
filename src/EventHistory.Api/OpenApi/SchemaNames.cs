using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace EventHistory.Api.OpenApi;

/// Schema names. Use cases nest their records (GetHistory.Entry, GetChanges.Entry, two SourceBody
/// records in two endpoint files), and the default name is the bare type name, so two different
/// shapes would share one schema. A nested type whose name is not unique gets its outer type's name
/// in front (GetHistoryEntry, EditSourceBody); the others keep their short names.
public static class SchemaNames
{
    private static readonly Lazy<HashSet<string>> Ambiguous = new(() =>
        new[] { typeof(SchemaNames).Assembly, typeof(NewsItems.NewsItem).Assembly, typeof(EventStore.EventStore).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsPublic || t.IsNestedPublic)
            .GroupBy(t => t.Name)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToHashSet());

    public static string? ReferenceId(JsonTypeInfo type)
    {
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        if (id is null || type.Type.DeclaringType is not { } outer || !Ambiguous.Value.Contains(type.Type.Name)) return id;
        var prefix = outer.Name.EndsWith("Endpoints", StringComparison.Ordinal) ? outer.Name[..^"Endpoints".Length] : outer.Name;
        return prefix + id;
    }
}
