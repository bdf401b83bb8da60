using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventHistory.Bench;

/// One row of the table. Ratio is always ours / baseline; the target says which way is better
/// (a target of "<" or ">" bounds the figure itself, on a row with no baseline).
/// A measure that could not be taken keeps its row with null figures and the reason in Note.
public sealed record Measure(
    string Name, double? Ours, double? Baseline, string Unit, string Target, string Note)
{
    public double? Ratio => Ours is { } o && Baseline is { } b && b != 0 ? Math.Round(o / b, 3) : null;

    public bool? Met
    {
        get
        {
            if (Target.Split(' ') is not [var bound, var number]) return null;
            var limit = double.Parse(number, CultureInfo.InvariantCulture);
            // ">= 0.5" and "<= 1.3" bound the ratio to the baseline; "< 500" bounds the figure itself.
            if ((bound.Length == 2 ? Ratio : Ours) is not { } v) return null;
            return bound switch { ">=" => v >= limit, "<=" => v <= limit, ">" => v > limit, _ => v < limit };
        }
    }

    public static Measure NotMeasured(string name, string unit, string target, string why) => new(name, null, null, unit, target, "not measured: " + why);
}

public static class Report
{
    public static string Table(IReadOnlyList<Measure> measures)
    {
        var rows = new List<string[]> { new[] { "measure", "ours", "baseline", "unit", "ratio", "target", "met?" } };
        rows.AddRange(measures.Select(m => new[]
        {
            m.Name, Figure(m.Ours), Figure(m.Baseline), m.Unit,
            m.Ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-", m.Target.Length > 0 ? m.Target : "-",
            m.Met switch { true => "yes", false => "NO", null => m.Ours is null ? "not measured" : "-" },
        }));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            text.Append("| ").AppendJoin(" | ", row.Select((cell, c) => c is 1 or 2 or 4 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).AppendLine(" |");
            if (i == 0) text.Append('|').AppendJoin('|', widths.Select((w, c) => c is 1 or 2 or 4 ? new string('-', w + 1) + ":" : new string('-', w + 2))).AppendLine("|");
        }
        return text.ToString();
    }

    public static string Notes(IReadOnlyList<Measure> measures) =>
        string.Join(Environment.NewLine, measures.Where(m => m.Note.Length > 0).Select(m => $"- {m.Name}: {m.Note}"));

    private static string Figure(double? value) => value switch
    {
        null => "-",
        >= 100 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
    };

    public static async Task WriteJsonAsync(string path, Machine machine, DateTimeOffset when, IReadOnlyList<Measure> measures)
    {
        var document = new
        {
            machine = machine.Summary,
            when = when.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            measures = measures.Select(m => new
            {
                name = m.Name,
                ours = Round(m.Ours),
                baseline = Round(m.Baseline),
                unit = m.Unit,
                ratio = m.Ratio,
                target = m.Target,
                met = m.Met,
                note = m.Note,
            }),
            machine_detail = machine,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, options) + "\n");
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, x >= 100 ? 0 : 2) : null;
}
