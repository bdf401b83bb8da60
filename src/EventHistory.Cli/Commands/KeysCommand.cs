using System.CommandLine;
using EventHistory.Access;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Cli.Commands;

/// keys create --name NAME --role reader|editor|admin | keys rotate NAME | keys revoke NAME | keys list.
/// Whoever can run this reaches the database directly, so it is the operator's tool, not the API's.
public static class KeysCommand
{
    public static Command Create(CliSession session)
    {
        var name = new Option<string>("--name") { Description = "the holder's name, as the audit trail will show it", Required = true, HelpName = "NAME" };
        var role = new Option<string>("--role") { Description = "what the key may do (default editor)", HelpName = "reader|editor|admin", DefaultValueFactory = _ => "editor" }
            .AcceptOnlyFromAmong("reader", "editor", "admin");
        var create = new Command("create", "prints a new API key (shown once; only its hash is stored)") { name, role };
        session.Runs(create, c => CreateAsync(c, c.Get(name), Enum.Parse<Role>(c.Get(role), ignoreCase: true)));

        var revoked = new Argument<string>("NAME") { Description = "the key's name" };
        var revoke = new Command("revoke", "the key of that name stops working") { revoked };
        session.Runs(revoke, async c =>
        {
            var done = await Keys(c).RevokeAsync(c.Get(revoked));
            c.Error.WriteLine(done ? "Revoked." : "eventhistory: no live key of that name.");
            return done ? 0 : 1;
        });

        // A lost key's holder gets a new secret under the same name, so the audit trail goes on naming them.
        var rotated = new Argument<string>("NAME") { Description = "the key's name" };
        var rotate = new Command("rotate", "prints a new secret for the live key of that name; the old one stops working") { rotated };
        session.Runs(rotate, async c =>
        {
            if (await Keys(c).RotateAsync(c.Get(rotated)) is not { } key)
            {
                c.Error.WriteLine("eventhistory: no live key of that name.");
                return 1;
            }
            c.Error.WriteLine("Rotated: the old secret no longer works. The new one is shown once:");
            c.Output.WriteLine(key);
            return 0;
        });

        var list = new Command("list", "every key: name, role, created, revoked");
        session.Runs(list, async c =>
        {
            var table = Tables.Create(c, "name", "role", "created (UTC)", "revoked (UTC)");
            foreach (var k in await Keys(c).ListAsync())
                table.Row(k.Name, k.Role.ToString().ToLowerInvariant(), $"{k.Created.UtcDateTime:yyyy-MM-dd HH:mm}",
                    k.Revoked is { } r ? $"revoked {r.UtcDateTime:yyyy-MM-dd HH:mm}" : "-");
            Tables.Write(c, table);
            return 0;
        });
        return new Command("keys", "API keys: create, rotate, revoke, list") { create, rotate, revoke, list };
    }

    private static ApiKeys Keys(CommandContext c) => c.Services.GetRequiredService<ApiKeys>();

    private static async Task<int> CreateAsync(CommandContext c, string name, Role role)
    {
        try
        {
            var key = await Keys(c).CreateAsync(name, role);
            c.Error.WriteLine($"Created {role.ToString().ToLowerInvariant()} key '{name}'. It is shown once; only its hash is stored:");
            c.Output.WriteLine(key);
            return 0;
        }
        catch (ArgumentException e)
        {
            // ApiKeys says both "bad name" and "taken" with an ArgumentException; the CLI tells them apart
            // by looking, and never prints .NET's "(Parameter 'name')" suffix.
            // A name stays taken after its key is revoked (it names that holder in the audit trail for good).
            var taken = (await Keys(c).ListAsync()).Any(k => k.Name == name);
            c.Error.WriteLine(taken
                ? $"eventhistory: a key named '{name}' exists already (a name is never reused, even once revoked): choose another name, " +
                  $"and revoke the old key if it should stop working (eventhistory keys revoke {Shell.Quote(name)})"
                : $"eventhistory: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
            return 1;
        }
    }
}
