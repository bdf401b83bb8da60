using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EventHistory.EventStore;

/// Reads an event of type <typeparamref name="T"/> whose stored JSON may have an older shape:
/// each upgrade takes the stored object and returns it in the next shape (an upgrade leaves a
/// shape it does not recognise as it is), then the current shape is read as usual. Stored bytes
/// never change, so the hash chain still verifies; writing is the current shape.
internal sealed class UpcastingConverter<T>(IReadOnlyList<Func<JsonObject, JsonObject>> upgrades, JsonSerializerOptions current)
    : JsonConverter<T>
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var node = JsonNode.Parse(ref reader) as JsonObject
            ?? throw new JsonException($"A stored {typeof(T).Name} is not a JSON object.");
        foreach (var upgrade in upgrades) node = upgrade(node);
        return node.Deserialize<T>(current);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, current);
}
