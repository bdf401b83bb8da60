using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventHistory.EventStore;

/// Maps event classes to their stable stored names (Marten's snake_case of the class name) and
/// serializes their data. Names, not CLR types, are the contract with stored history.
public sealed class EventTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Dictionary<string, Type> _byName = new();
    private readonly Dictionary<Type, string> _byType = new();

    public EventTypes Register<T>() => Register(typeof(T));

    public EventTypes Register(Type type)
    {
        var name = SnakeCase(type.Name);
        _byName[name] = type;
        _byType[type] = name;
        return this;
    }

    public string NameOf(Type type) =>
        _byType.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"Event type {type.Name} is not registered.");

    public string Serialize(object data) => JsonSerializer.Serialize(data, data.GetType(), Json);

    public object Deserialize(string name, string json) =>
        _byName.TryGetValue(name, out var type)
            ? JsonSerializer.Deserialize(json, type, Json)!
            : JsonDocument.Parse(json).RootElement.Clone();

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
