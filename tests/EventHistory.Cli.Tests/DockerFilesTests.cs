using System.Text.RegularExpressions;

namespace EventHistory.Cli.Tests;

/// No Docker engine runs here, so the image and compose files are checked for what a Docker user
/// would otherwise meet first; the compose setup script itself runs for real in ScriptTests.
public sealed partial class DockerFilesTests
{
    private static string Repo => CliProcess.Repo;
    private static string Read(string path) => File.ReadAllText(Path.Combine(Repo, path));

    [Fact]
    public void the_image_is_built_without_the_local_database_or_keys_and_runs_as_a_user()
    {
        var ignored = Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains(".data/", ignored);
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        var dockerfile = Read("src/EventHistory.Api/Dockerfile");
        var finalStage = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];
        var user = UserLine().Match(finalStage);
        Assert.True(user.Success, "the final stage sets no USER: the container runs as root");
        Assert.DoesNotMatch("^(root|0)$", user.Groups[1].Value);
    }

    [Fact]
    public void compose_keeps_its_data_in_named_volumes_sets_up_a_key_and_samples_and_leaves_db_sh_its_port()
    {
        var compose = Read("docker-compose.yml");
        var dbShPort = DefaultPort().Match(Read("scripts/db.sh")).Groups[1].Value;
        Assert.NotEqual("", dbShPort);
        Assert.DoesNotContain($":{dbShPort}:", compose);
        Assert.Matches(@"(?m)^volumes:\s*\n\s+pgdata:", compose);
        Assert.Contains("pgdata:/var/lib/postgresql/data", compose);
        Assert.Contains("/app/docker-setup.sh", compose);
        Assert.Contains("service_completed_successfully", compose);
        Assert.Contains("COPY samples", Read("src/EventHistory.Api/Dockerfile"));
    }

    [Fact]
    public void the_cluster_profile_runs_two_patroni_nodes_in_synchronous_mode_behind_a_proxy_haproxy_accepts()
    {
        var compose = Read("docker-compose.yml");
        foreach (var service in new[] { "etcd", "pg1", "pg2", "proxy", "cluster-setup", "api1", "api2" })
            Assert.Matches($@"(?m)^  {Regex.Escape(service)}:", compose);
        // Five say so; pg2 and api2 inherit it from pg1 and api1, so a plain `up` starts none of them.
        Assert.Equal(5, Regex.Matches(compose, @"profiles: \[""cluster""\]").Count);
        Assert.Contains("EVENTHISTORY_READ_DB: \"Host=proxy;Port=5433", compose);
        var patroni = Read("docker/cluster/patroni.yml");
        Assert.Matches(@"(?m)^\s+synchronous_mode: true", patroni);
        Assert.Matches(@"(?m)^\s+hosts: etcd:2379", patroni);

        // HAProxy checks its configuration for real (the image's paths are the repo's here).
        var config = Path.Combine(Path.GetTempPath(), $"eh-haproxy-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(config, Read("docker/cluster/haproxy.cfg").Replace("/etc/haproxy/503.http", Path.Combine(Repo, "scripts/cluster/503.http")));
        try
        {
            var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("haproxy", ["-c", "-f", config])
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var said = check.StandardError.ReadToEnd() + check.StandardOutput.ReadToEnd();
            check.WaitForExit();
            Assert.True(check.ExitCode == 0, said);
            Assert.Contains("Configuration file is valid", said);
        }
        finally { File.Delete(config); }
    }

    [GeneratedRegex(@"(?m)^USER\s+(\S+)")]
    private static partial Regex UserLine();

    [GeneratedRegex(@"EVENTHISTORY_PG_PORT:-(\d+)")]
    private static partial Regex DefaultPort();
}
