using EventHistory.Access;

namespace EventHistory.Cli.Commands;

/// keys create --name NAME --role reader|editor|admin | keys rotate NAME | keys revoke NAME | keys list.
/// Whoever can run this reaches the database directly, so it is the operator's tool, not the API's.
public static class KeysCommand
{
    public static async Task<int> RunAsync(CommandContext c, ApiKeys keys)
    {
        switch (c.Args.Required(0, "keys subcommand (create, revoke, list)"))
        {
            case "create":
                var name = c.Args.Option("name") ?? throw new UsageException("keys create needs --name NAME");
                var roleText = c.Args.Option("role") ?? "editor";
                if (!Enum.TryParse<Role>(roleText, true, out var role) || !Enum.IsDefined(role))
                    throw new UsageException($"--role must be reader, editor or admin, not '{roleText}'");
                try
                {
                    var key = await keys.CreateAsync(name, role);
                    c.Error.WriteLine($"Created {role.ToString().ToLowerInvariant()} key '{name}'. It is shown once; only its hash is stored:");
                    c.Output.WriteLine(key);
                    return 0;
                }
                catch (ArgumentException e)
                {
                    c.Error.WriteLine($"eventhistory: {e.Message}");
                    return 1;
                }
            case "revoke":
                var revoked = await keys.RevokeAsync(c.Args.Required(1, "NAME"));
                c.Error.WriteLine(revoked ? "Revoked." : "eventhistory: no live key of that name.");
                return revoked ? 0 : 1;
            case "rotate":
                var rotated = await keys.RotateAsync(c.Args.Required(1, "NAME"));
                if (rotated is null) { c.Error.WriteLine("eventhistory: no live key of that name."); return 1; }
                c.Error.WriteLine("Rotated: the old secret no longer works. The new one is shown once:");
                c.Output.WriteLine(rotated);
                return 0;
            case "list":
                foreach (var k in await keys.ListAsync())
                    c.Output.WriteLine($"{k.Name,-24} {k.Role.ToString().ToLowerInvariant(),-7} created {k.Created:yyyy-MM-dd HH:mm}{(k.Revoked is { } r ? $"  revoked {r:yyyy-MM-dd HH:mm}" : "")}");
                return 0;
            default:
                throw new UsageException("keys takes create, rotate, revoke or list");
        }
    }
}
