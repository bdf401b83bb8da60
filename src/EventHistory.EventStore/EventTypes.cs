using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventHistory.EventStore;

/// The stored names of event and stream types. Names, not CLR types, are the contract with stored
/// history: each is given explicitly (renaming a class changes nothing stored), and a test pins
/// the list. A changed event shape is read by an upcaster, never by a new name for old events.
public sealed class EventTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    /// Json for what is stored as jsonb (event bodies, item states), written unescaped: jsonb keeps
    /// characters, not their escapes, so the stored value (and the hash chain over it) is the same,
    /// and a Chinese text is half the bytes to escape, send and parse. Marten writes the event bodies
    /// of its quick append through a Utf8JsonWriter of its own, whose default encoder escapes them
    /// anyway; a serializer that wrote them unescaped made no difference that imports of the zh
    /// corpus could measure (docs/benchmarks.md), so Marten's is used as it is.
    public static readonly JsonSerializerOptions StoredJson = new(Json) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<string, Type> _byName = new();
    private readonly Dictionary<Type, List<Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject>>> _upgrades = new();
    private JsonSerializerOptions? _eventJson;
    private readonly Dictionary<Type, string> _byType = new();
    private readonly Dictionary<string, Type> _streams = new();

    public IEnumerable<(string Name, Type Type)> Events => _byName.Select(e => (e.Key, e.Value));

    public EventTypes Register<T>(string name) => Register(typeof(T), name);

    public EventTypes Register(Type type, string name)
    {
        if (_byName.TryGetValue(name, out var other) && other != type)
            throw new InvalidOperationException($"Event type name {name} is taken by {other.Name}.");
        _byName[name] = type;
        _byType[type] = name;
        return this;
    }

    /// A changed shape of an already stored event: <paramref name="upgrade"/> turns the stored
    /// (older) JSON object into the shape <typeparamref name="T"/> has now. Upgrades run in the
    /// order they were added, for every read, through Marten and through SQL alike.
    public EventTypes Upcast<T>(Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject> upgrade)
    {
        if (_eventJson is not null) throw new InvalidOperationException("Upcasters are added before the store is built.");
        NameOf(typeof(T));
        if (!_upgrades.TryGetValue(typeof(T), out var list)) _upgrades[typeof(T)] = list = [];
        list.Add(upgrade);
        return this;
    }

    /// Whether stored events of the type are reshaped by an upcaster when read.
    public bool HasUpcaster(Type type) => _upgrades.ContainsKey(type);

    /// The serializer options events are read and written with: StoredJson, plus the upcasters.
    public JsonSerializerOptions EventJson => _eventJson ??= BuildEventJson();

    private JsonSerializerOptions BuildEventJson()
    {
        var options = new JsonSerializerOptions(StoredJson);
        foreach (var (type, upgrades) in _upgrades)
            options.Converters.Add((System.Text.Json.Serialization.JsonConverter)Activator.CreateInstance(
                typeof(UpcastingConverter<>).MakeGenericType(type), upgrades, Json)!);
        return options;
    }

    /// A kind of stream. Marten stores a stream's type as the snake_case name of a CLR type, so
    /// the type's name must give the stored name.
    public EventTypes RegisterStream<T>(string name)
    {
        if (SnakeCase(typeof(T).Name) != name)
            throw new InvalidOperationException($"Stream type {typeof(T).Name} would be stored as {SnakeCase(typeof(T).Name)}, not {name}.");
        _streams[name] = typeof(T);
        return this;
    }

    public Type StreamType(string name) =>
        _streams.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"Stream type {name} is not registered.");

    public string NameOf(Type type) =>
        _byType.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"Event type {type.Name} is not registered.");

    public string Serialize(object data) => JsonSerializer.Serialize(data, data.GetType(), Json);

    /// An event of a name this process does not know (another program wrote it) stays readable as
    /// what it is; names are pinned, so a renamed class can no longer produce one.
    public object Deserialize(string name, string json) =>
        _byName.TryGetValue(name, out var type)
            ? JsonSerializer.Deserialize(json, type, EventJson)!
            : new UnregisteredEvent(name, json);

    public static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}

public sealed record UnregisteredEvent(string Type, string Json);
