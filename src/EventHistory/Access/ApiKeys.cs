using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace EventHistory.Access;

public enum Role { Reader = 1, Editor = 2, Admin = 3 }

public sealed record ApiKeyHolder(string Name, Role Role)
{
    /// Who the caller is, as every front door (bearer key, browser session) says it: the holder's
    /// name, and their role with the ones below it (an admin may do what an editor may).
    public IEnumerable<Claim> Claims() =>
        [new Claim(ClaimTypes.Name, Name), .. Enum.GetValues<Role>().Where(r => r <= Role).Select(r => new Claim(ClaimTypes.Role, r.ToString().ToLowerInvariant()))];
}

/// API keys, stored only as SHA-256 hashes: a key is 32 random bytes, so a fast hash is enough
/// (no dictionary to guess from) and lets every request be checked with one indexed lookup.
public sealed class ApiKeys(NpgsqlDataSource db)
{
    public const string Prefix = "ehk_";

    public async Task<string> CreateAsync(string name, Role role, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(char.IsControl))
            throw new ArgumentException("A key's name must be 1 to 100 printable characters.", nameof(name));
        var key = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var cmd = db.CreateCommand(
            "insert into eh_api_keys (name, role, key_hash) values (@name, @role, @hash)");
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("role", role.ToString().ToLowerInvariant());
        cmd.Parameters.AddWithValue("hash", Hash(key));
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ArgumentException($"A key named '{name}' exists already.", nameof(name));
        }
        return key;
    }

    /// Returns whether a live key of that name was revoked.
    public async Task<bool> RevokeAsync(string name, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("update eh_api_keys set revoked = now() where name = @name and revoked is null");
        cmd.Parameters.AddWithValue("name", name);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// A new secret for a live key's holder; the old secret stops working at once. The name stays,
    /// so the audit trail goes on naming the same holder (names are never reused for someone else).
    /// Returns null when there is no live key of that name.
    public async Task<string?> RotateAsync(string name, CancellationToken ct = default)
    {
        var key = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var cmd = db.CreateCommand("update eh_api_keys set key_hash = @hash where name = @name and revoked is null");
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("hash", Hash(key));
        return await cmd.ExecuteNonQueryAsync(ct) == 1 ? key : null;
    }

    public async Task<ApiKeyHolder?> AuthenticateAsync(string? key, CancellationToken ct = default)
    {
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length > 100) return null;
        await using var cmd = db.CreateCommand("select name, role from eh_api_keys where key_hash = @hash and revoked is null");
        cmd.Parameters.AddWithValue("hash", Hash(key));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new ApiKeyHolder(r.GetString(0), Enum.Parse<Role>(r.GetString(1), true)) : null;
    }

    public async Task<IReadOnlyList<(string Name, Role Role, DateTimeOffset Created, DateTimeOffset? Revoked)>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select name, role, created, revoked from eh_api_keys order by created");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<(string, Role, DateTimeOffset, DateTimeOffset?)>();
        while (await r.ReadAsync(ct))
            keys.Add((r.GetString(0), Enum.Parse<Role>(r.GetString(1), true), r.GetFieldValue<DateTimeOffset>(2),
                r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3)));
        return keys;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
